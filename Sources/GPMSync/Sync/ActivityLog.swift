import Foundation
import GPMCore

/// What one sync did, as the staff's page lists it: when, how it ended, what it recorded, brought and sent.
public struct ActivityEntry: Codable, Sendable, Equatable {
    public struct Received: Codable, Sendable, Equatable {
        public var path: String
        public var added: Int
        public var removed: Int
        public var changed: Int
    }

    public var at: Date
    /// synced, conflict, offline, refused or error.
    public var outcome: String
    /// What was recorded from the working tree (the commit's summary).
    public var recorded: String?
    /// What central's `main` brought, per file.
    public var received: [Received]
    /// What was submitted (the submission's summary).
    public var submitted: String?
    public var conflicts: Int
    public var heldBack: Int
    public var failure: Message?
}

/// The last syncs of this clone (`.git/gpmsync/activity.json`, the newest first, at most `limit`), written
/// by every sync, the daemon's and a person's, atomically.
public enum ActivityLog {
    public static let limit = 100

    static func file(_ repo: DataRepository) -> String { repo.stateDirectory + "/activity.json" }


    public static func load(_ repo: DataRepository) -> [ActivityEntry] { load(stateDirectory: repo.stateDirectory) }

    /// The log of the clone whose private state is in `stateDirectory` (no repository opened).
    public static func load(stateDirectory: String) -> [ActivityEntry] {
        guard let data = FileManager.default.contents(atPath: stateDirectory + "/activity.json") else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode([ActivityEntry].self, from: data)) ?? []
    }

    /// Adds what a sync did. A log that cannot be written costs the log, never the sync.
    static func append(_ repo: DataRepository, _ report: SyncReport) {
        let outcome: String
        switch report.failure?.exitCode {
        case nil: outcome = report.newConflicts.isEmpty ? "synced" : "conflict"
        case .offline?: outcome = "offline"
        case .invalid?: outcome = "refused"
        case .conflicts?: outcome = "conflict"
        default: outcome = "error"
        }
        let received = report.received.files.map { f -> ActivityEntry.Received in
            let rows = f.rows ?? []
            let unlisted = f.unlisted ?? 0
            return .init(path: f.path, added: rows.filter { $0.kind == .added }.count, removed: rows.filter { $0.kind == .removed }.count,
                         changed: rows.filter { $0.kind == .changed }.count + unlisted)
        }
        let entry = ActivityEntry(
            at: Date(), outcome: outcome, recorded: report.committed?.commit == nil ? nil : report.committed?.summary,
            received: received, submitted: report.submitted.map { $0.diff.summary() }, conflicts: report.newConflicts.count,
            heldBack: report.heldBack.count, failure: report.failure.map { Message(en: $0.en, tr: $0.tr) })
        let entries = [entry] + load(repo).prefix(limit - 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        if let data = try? encoder.encode(entries) { try? AtomicFile.write([UInt8](data), to: file(repo)) }
    }
}
