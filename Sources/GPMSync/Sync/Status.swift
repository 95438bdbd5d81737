import Foundation
import GPMCore
import Git

/// `gpmsync status`: the clone's sync state as one JSON-friendly value.
public struct StatusReport: Codable, Sendable {
    public enum State: String, Codable, Sendable, Comparable {
        case synced, pending, offline, error, conflict
        var rank: Int { [.synced: 0, .pending: 1, .offline: 2, .error: 3, .conflict: 4][self]! }
        public static func < (a: State, b: State) -> Bool { a.rank < b.rank }
    }

    public struct Outbox: Codable, Sendable {
        /// Local commits central has not seen.
        public var commits: Int
        public var files: [String]
        public var rowsAdded: Int
        public var rowsRemoved: Int
        public var rowsChanged: Int
    }

    public struct SubmissionOutcome: Codable, Sendable {
        public var commit: String
        public var summary: String
        public var state: String
        public var reviewer: String?
        public var at: String?
        public var reason: String?
    }

    public var state: State
    public var orgUnit: String?
    public var user: String?
    public var lastSync: String?
    public var lastAttempt: String?
    public var lastFailure: String?
    /// The last failure in both languages, with what libgit2 or the system said.
    public var lastFailureMessage: Message?
    public var lastFailureDetail: String?
    public var uncommitted: [String]
    public var outbox: Outbox
    public var invalid: [Diagnostic]
    public var conflicts: [RecordedConflict]
    public var submissions: [SubmissionOutcome]
    /// What status could not read and left out (review notes central sent in a form no clone can read).
    public var warnings: [Message] = []

    public static func build(_ repo: DataRepository) throws -> StatusReport {
        let git = repo.git
        let state = SyncState.load(repo)
        let iso = ISO8601DateFormatter()
        let uncommitted = try git.workingTreeChanges().map(\.path)
        let plan = try GPMSync.Outbox.plan(repo)
        let diff = try plan.map { try $0.diff(git) } ?? SemanticDiff(files: [])
        var hidden: [ObjectID] = []
        if let m = try git.reference(Refs.centralMain) { hidden.append(m) }
        if let org = repo.orgUnit, let c = try git.reference(Refs.remoteContrib(org)) { hidden.append(c) }
        // Local commits count as waiting only while they carry something not yet submitted.
        let commits = diff.isEmpty ? 0 : try git.headCommit().map { try git.log(from: $0, hiding: hidden).count } ?? 0
        let counts = diff.counts
        let outbox = Outbox(commits: commits, files: diff.files.map(\.path), rowsAdded: counts.added,
                            rowsRemoved: counts.removed, rowsChanged: counts.changed)
        // Only what this clone's staff can fix: their own folder and their uncommitted files (the whole tree
        // holds every municipality's data, thousands of files, none of it theirs to change).
        let validator = repo.workingTreeValidator()
        let own = repo.orgUnit.map { org in validator.source.files().map(\.path).filter { $0.hasPrefix(RepositoryPath.folder(of: org) + "/") } } ?? []
        let invalid = validator.validate(paths: Array(Set(own + uncommitted)).sorted()).filter(\.isError)
        let conflicts = ConflictStore(repository: repo).load()
        var submissions: [SubmissionOutcome] = []
        var warnings: [Message] = []
        // Notes come from central as they are: a notes ref that is not a notes commit (a blob, say) means
        // no outcome can be read, which status reports instead of failing.
        func noteText(_ c: ObjectID) -> String? {
            do { return try git.note(on: c, ref: Refs.reviewNotes) } catch {
                if warnings.isEmpty {
                    warnings.append(Message(
                        en: "the review notes from central (\(Refs.reviewNotes)) cannot be read (\(error.message)); review outcomes are not shown",
                        tr: "merkezden gelen inceleme notları (\(Refs.reviewNotes)) okunamıyor (\(error.message)); inceleme sonuçları gösterilmiyor"))
                }
                return nil
            }
        }
        if let org = repo.orgUnit, let tip = try git.reference(Refs.remoteContrib(org)) {
            let main = try git.reference(Refs.centralMain)
            for c in try git.log(from: tip, hiding: []).prefix(50) {
                let info = try git.commit(c)
                // Submissions are the commits that change only this municipality's folder, made for contrib.
                guard info.message.hasPrefix("\(org): ") else { continue }
                let text = noteText(c)
                if let main, c != tip, try git.isAncestor(c, of: main), text == nil { continue }
                let note = text.flatMap(ReviewNote.init(json:))
                submissions.append(SubmissionOutcome(
                    commit: c.hex, summary: String(info.message.split(separator: "\n").first ?? ""),
                    state: note?.state.rawValue ?? "submitted", reviewer: note?.reviewer, at: note?.at,
                    reason: note?.reason.isEmpty == false ? note?.reason : nil))
                if submissions.count >= 10 { break }
            }
        }
        var overall: State = .synced
        if !uncommitted.isEmpty || !diff.isEmpty || commits > 0 { overall = max(overall, .pending) }
        if state.lastFailureKind == "offline" { overall = max(overall, .offline) }
        if state.lastFailureKind == "error" || state.lastFailureKind == "refused" || !invalid.isEmpty { overall = max(overall, .error) }
        if !conflicts.isEmpty { overall = .conflict }
        return StatusReport(
            state: overall, orgUnit: repo.orgUnit, user: repo.user(override: nil),
            lastSync: state.lastSuccess.map { iso.string(from: $0) }, lastAttempt: state.lastAttempt.map { iso.string(from: $0) },
            lastFailure: state.lastFailure,
            lastFailureMessage: state.lastFailure.map { Message(en: $0, tr: state.lastFailureTR ?? $0) },
            lastFailureDetail: state.lastFailureDetail, uncommitted: uncommitted, outbox: outbox, invalid: invalid,
            conflicts: conflicts, submissions: submissions, warnings: warnings)
    }
}
