import Foundation
import GPMCore
import Git

/// What one `gpmsync sync` did, for the command line and the daemon.
public struct SyncReport: Sendable {
    public var committed: CommitOutcome?
    /// At most this many changes per file are listed in `received`; the rest are counted.
    public static let receivedLimit = 50
    /// What central's `main` (or the other laptop's submission) brought in, summarised.
    public var received: SemanticDiff = SemanticDiff(files: [])
    public var newConflicts: [RecordedConflict] = []
    public var submitted: Submission?
    public var heldBack: [Diagnostic] = []
    /// Set when the cycle stopped early: offline (3), refused (1), conflicts (4).
    public var failure: GPMError?
    /// What the server said while receiving the push.
    public var serverMessages: [String] = []

    public var exitCode: GPMError.ExitCode? {
        if let failure { return failure.exitCode }
        if !newConflicts.isEmpty { return .conflicts }
        return nil
    }
}

/// One offline-first cycle: commit local edits, fetch, merge central's `main` into local, push the
/// submission to `contrib/<org>`; on a non-fast-forward (another laptop of the same municipality pushed
/// first) fetch, merge and try again.
public enum SyncCycle {
    public static func run(_ repo: DataRepository, message: String? = nil, settledFor: Duration? = nil,
                           onProgress: @escaping @Sendable (String) -> Void = { _ in }) throws -> SyncReport {
        try Trace.step("cycle") { try Locks.withExclusive(repo) {
            let report = try cycle(repo, message: message, settledFor: settledFor, onProgress: onProgress)
            ActivityLog.append(repo, report)
            return report
        } }
    }

    private static func cycle(_ repo: DataRepository, message: String?, settledFor: Duration?,
                              onProgress: @escaping @Sendable (String) -> Void) throws -> SyncReport {
        do {
            var report = SyncReport()
            var state = SyncState.load(repo)
            state.lastAttempt = Date()
            report.committed = try Trace.step("commit") { try Committer.commit(repo, message: message, settledFor: settledFor) }
            do {
                try Trace.step("fetch") { try Network.fetch(repo, timeout: repo.timeout) }
            } catch let e as GitError {
                report.failure = GPMError.from(e, doing: "sync", whatTR: "eşitleme")
                try record(&state, report.failure!, repo)
                return report
            }
            for attempt in 0..<4 {
                if let central = try repo.git.reference(Refs.centralMain) {
                    let m = try Trace.step("merge central main") { try LocalMerge.integrate(repo, theirs: central, label: "central main") }
                    report.received.files += m.diff.summarised(limit: SyncReport.receivedLimit).files
                    report.newConflicts += m.conflicts
                }
                if let org = repo.orgUnit, let mine = try repo.git.reference(Refs.remoteContrib(org)) {
                    let m = try Trace.step("merge own contrib") { try LocalMerge.integrate(repo, theirs: mine, label: "contrib/\(org)") }
                    report.newConflicts += m.conflicts
                }
                let built = try Trace.step("build submission") { try Outbox.build(repo) }
                report.heldBack = built.heldBack
                guard let submission = built.submission, let org = repo.orgUnit, let url = repo.centralURL else { break }
                do {
                    let messages = try Trace.step("push") {
                        try Network.push(repo, url: url, refspecs: ["\(Refs.pendingSubmission):\(Refs.contrib(org))"], onMessage: onProgress)
                    }
                    report.serverMessages = messages
                    try repo.git.setReference(Refs.remoteContrib(org), to: submission.commit, message: "sync: submitted")
                    try Trace.step("record submission") { try Outbox.recordInHistory(repo, submission.commit) }
                    report.submitted = submission
                    state.lastSubmission = submission.commit.hex
                    state.lastSubmissionAt = Date()
                    break
                } catch let e as GitError where e.code == .nonFastForward && attempt < 3 {
                    onProgress("contrib/\(org) moved on central; fetching and merging before trying again")
                    do { try Network.fetch(repo, timeout: repo.timeout) } catch let e as GitError {
                        report.failure = GPMError.from(e, doing: "sync", whatTR: "eşitleme")
                        try record(&state, report.failure!, repo)
                        return report
                    }
                } catch let e as GitError {
                    report.failure = GPMError.from(e, doing: "push", whatTR: "gönderim")
                    try record(&state, report.failure!, repo)
                    return report
                }
            }
            state.lastSuccess = Date()
            state.lastFailure = nil
            state.lastFailureTR = nil
            state.lastFailureDetail = nil
            state.lastFailureKind = nil
            state.offlineAttempts = 0
            try Trace.step("save state") { try state.save(repo) }
            return report
        }
    }

    private static func record(_ state: inout SyncState, _ failure: GPMError, _ repo: DataRepository) throws {
        state.record(failure)
        try state.save(repo)
    }
}

/// Step timings on standard error when `GPMSYNC_TRACE` is set: where a slow sync spends its time.
enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["GPMSYNC_TRACE"] != nil

    static func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = ContinuousClock.now
        defer {
            let d = ContinuousClock.now - start
            FileHandle.standardError.write(Data("trace: \(name) \(d.components.attoseconds / 1_000_000_000_000_000 + d.components.seconds * 1000) ms\n".utf8))
        }
        return try body()
    }
}
