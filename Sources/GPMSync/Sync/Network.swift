import Foundation
import Git

/// Network steps against `central`, each bounded by a deadline.
enum Network {
    /// Fetches central's `main`, this clone's own contribution branch and the review notes.
    static func fetch(_ repo: DataRepository, timeout: Duration) throws {
        guard let url = repo.centralURL else {
            throw GPMError(.usage, en: "no remote 'central' is configured", tr: "'central' uzak deposu ayarlanmamış")
        }
        var specs = ["+refs/heads/main:refs/remotes/central/main",
                     "+\(DataRepository.notesRef):\(DataRepository.notesRef)"]
        if let org = repo.orgUnit { specs.append("+refs/heads/contrib/\(org):refs/remotes/central/contrib/\(org)") }
        let credentials = repo.credentials()
        try withDeadline(timeout) { deadline in
            try repo.git.fetch(url: url, refspecs: specs,
                               options: TransferOptions(credentials: credentials, deadline: deadline))
        }
    }

    /// Runs a blocking libgit2 network call on its own thread and gives up when the deadline passes.
    /// libgit2 1.5 has no network timeout: a server that accepts the connection and then stays silent
    /// would block forever, and no callback runs to notice. The abandoned thread stays blocked until the
    /// process exits, so callers treat a timeout as the end of their network work.
    static func withDeadline<T>(_ timeout: Duration, _ body: @escaping (ContinuousClock.Instant) throws -> T) throws -> T {
        let deadline = ContinuousClock.now + timeout
        let outcome = DeadlineOutcome<T>()
        nonisolated(unsafe) let work = body
        let thread = Thread {
            outcome.result = Result { try work(deadline) }
            outcome.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if outcome.done.wait(timeout: .now() + seconds + 1) == .timedOut {
            throw GitError(code: .timeout, errorClass: 12, message: "no answer within \(Int(seconds)) s", function: "deadline")
        }
        return try outcome.result!.get()
    }
}

private final class DeadlineOutcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
    let done = DispatchSemaphore(value: 0)
}
