import Foundation
import GPMCore
import Git

/// Network steps against `central`, each bounded by a deadline.
public enum Network {
    /// Fetches central's `main`, this clone's own contribution branch and the review notes.
    static func fetch(_ repo: DataRepository, timeout: Duration,
                      onProgress: (@Sendable (TransferProgress) -> Void)? = nil) throws {
        guard let url = repo.centralURL else {
            throw GPMError(.usage, en: "no remote 'central' is configured", tr: "'central' uzak deposu ayarlanmamış")
        }
        var specs = ["+refs/heads/main:refs/remotes/central/main",
                     "+\(Refs.reviewNotes):\(Refs.reviewNotes)"]
        if let org = repo.orgUnit { specs.append("+refs/heads/contrib/\(org):refs/remotes/central/contrib/\(org)") }
        let credentials = repo.credentials()
        try withDeadline(timeout, whenAbandoned: { recordAbandoned(repo, $0) }) { deadline in
            try repo.git.fetch(url: url, refspecs: specs,
                               options: TransferOptions(credentials: credentials, deadline: deadline, onProgress: onProgress))
        }
    }

    /// Pushes `refspecs` to central; returns what the server said.
    static func push(_ repo: DataRepository, url: String, refspecs: [String],
                     onMessage: @escaping @Sendable (String) -> Void) throws -> [String] {
        let credentials = repo.credentials()
        return try withDeadline(repo.timeout, whenAbandoned: { recordAbandoned(repo, $0) }) { deadline in
            try repo.git.push(url: url, refspecs: refspecs,
                              options: TransferOptions(credentials: credentials, deadline: deadline, onMessage: onMessage))
        }
    }

    /// The clone's sync state says offline before the process ends (it still holds the clone's lock).
    private static func recordAbandoned(_ repo: DataRepository, _ failure: GPMError) {
        var state = SyncState.load(repo)
        state.lastAttempt = Date()
        state.record(failure)
        try? state.save(repo)
    }

    /// Ends the process when a network step overran its deadline; never returns. The command line sets it
    /// to its error boundary (the offline message in the user's language, exit 3). The default writes the
    /// English message and exits 3.
    nonisolated(unsafe) public static var endProcess: @Sendable (GPMError) -> Never = { failure in
        FileHandle.standardError.write(Data("gpmsync: \(failure.en.terminalEscaped)\n".utf8))
        exitAbandoning(failure.exitCode.rawValue)
    }

    /// `_exit`, after flushing standard output: `exit` would run atexit handlers (OpenSSL's cleanup among
    /// them) under the feet of the thread still blocked in libgit2.
    public static func exitAbandoning(_ code: Int32) -> Never {
        fflush(nil)
        _exit(code)
    }

    /// Runs a blocking libgit2 network call on its own thread and gives up when the deadline passes.
    ///
    /// libgit2 1.5 has no network timeout: a server that accepts the connection and then stays silent
    /// blocks the call forever, and no callback runs to notice. Such a thread cannot be stopped from the
    /// outside, and it holds the repository (its objects, its refs, its pack being written): if the caller
    /// went on, released the clone's lock and let another process in, the thread could still write the
    /// repository when the server woke up. So a step that overruns its deadline is never returned from:
    /// `whenAbandoned` saves what must be kept (the sync state says offline), then `endProcess` ends the
    /// process while the caller still holds its locks (exit 3, all work is already committed locally). The
    /// kernel releases the `flock` with the process, so nothing of the abandoned step outlives the lock.
    /// (Running each network step in a child process would keep the caller alive, at the price of
    /// passing credentials, progress and errors across processes; the daemon already runs each sync as a
    /// child, so only the command that timed out ends.)
    public static func withDeadline<T>(_ timeout: Duration, whenAbandoned: (GPMError) -> Void = { _ in },
                                       _ body: @escaping (ContinuousClock.Instant) throws -> T) throws -> T {
        // A clone's `gpmsync.timeout` is a value from a file: held to between 1 s and a day.
        let timeout = min(max(timeout, .seconds(1)), .seconds(86_400))
        let deadline = ContinuousClock.now + timeout
        let outcome = DeadlineOutcome<T>()
        nonisolated(unsafe) let work = body
        let thread = Thread {
            outcome.result = Result { try work(deadline) }
            outcome.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        let seconds = timeout.components.seconds
        if outcome.done.wait(timeout: .now() + .seconds(Int(seconds) + 1)) == .timedOut {
            let failure = GPMError.from(GitError(code: .timeout, errorClass: 12, message: "no answer within \(seconds) s", function: "deadline"),
                                        doing: "network", whatTR: "ağ")
            whenAbandoned(failure)
            endProcess(failure)
        }
        return try outcome.result!.get()
    }
}

private final class DeadlineOutcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
    let done = DispatchSemaphore(value: 0)
}
