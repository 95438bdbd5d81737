import Foundation

/// What a clone remembers between runs (`.git/gpmsync/state.json`, written atomically).
public struct SyncState: Codable, Sendable {
    public var lastSuccess: Date?
    public var lastAttempt: Date?
    /// `offline`, `refused`, `error` or nil after a success.
    public var lastFailureKind: String?
    /// The last failure in English, and in Turkish, and what libgit2 or the system said (for logs).
    public var lastFailure: String?
    public var lastFailureTR: String?
    public var lastFailureDetail: String?
    /// The last submission pushed to `contrib/<org>`.
    public var lastSubmission: String?
    public var lastSubmissionAt: Date?
    /// Consecutive offline attempts (for the daemon's backoff).
    public var offlineAttempts: Int = 0

    public init() {}

    /// Notes a failed cycle: offline ones are counted for the daemon's backoff.
    public mutating func record(_ failure: GPMError) {
        lastFailure = failure.en
        lastFailureTR = failure.tr
        lastFailureDetail = failure.detail
        switch failure.exitCode {
        case .offline: lastFailureKind = "offline"; offlineAttempts += 1
        case .invalid: lastFailureKind = "refused"
        default: lastFailureKind = "error"
        }
    }

    static func file(_ repo: DataRepository) -> String { repo.stateDirectory + "/state.json" }

    public static func load(_ repo: DataRepository) -> SyncState {
        guard let data = FileManager.default.contents(atPath: file(repo)) else { return SyncState() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode(SyncState.self, from: data)) ?? SyncState()
    }

    public func save(_ repo: DataRepository) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write([UInt8](try encoder.encode(self)), to: Self.file(repo))
    }
}
