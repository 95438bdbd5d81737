import Foundation
import Spawn

/// A `gpmsync` step run as a child process, started by `Spawn` (no descriptor of the daemon's: with a
/// thousand connections open, inherited sockets cost the child its own; default signal handling: the
/// daemon's ignored SIGTERM would otherwise be ignored by the child too), with exactly one reaper, a thread that waits for this pid alone, so the
/// child never stays `<defunct>` whatever the rest of the process does.
final class ChildProcess: Sendable {
    let pid: pid_t
    private let exit: ExitBox

    private init(pid: pid_t) {
        self.pid = pid
        self.exit = ExitBox()
    }

    /// Starts `binary` with `arguments`; its standard output goes to /dev/null, its standard error to ours.
    static func spawn(_ binary: String, _ arguments: [String]) throws -> ChildProcess {
        let pid = try Spawn.start(binary, arguments, stderr: .inherit)
        let child = ChildProcess(pid: pid)
        let reaper = Thread { [exit = child.exit] in
            // Wait for the exit without reaping, so the pid stays ours while `signal` may still use it.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
            exit.finish {
                // Exit code as the shell shows it: 128 + signal for a child that was killed.
                Spawn.wait(pid)
            }
        }
        reaper.name = "gpmsync-reaper-\(pid)"
        reaper.start()
        return child
    }

    /// Waits until the child has exited and been reaped; its exit code.
    func wait() async -> Int32 {
        await withCheckedContinuation { exit.onFinish($0) }
    }

    var hasExited: Bool { exit.code != nil }

    /// Sends a signal unless the child has been reaped (its pid may then belong to another process).
    func signal(_ number: Int32) {
        exit.whileRunning { kill(pid, number) }
    }
}

/// The exit code of a child, set once by its reaper, with the waiters to tell.
private final class ExitBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    var code: Int32? { lock.withLock { value } }

    /// Reaps the child (`reap` returns its exit code) under the lock that `whileRunning` takes.
    func finish(_ reap: () -> Int32) {
        let (code, waiting) = lock.withLock {
            let code = reap()
            value = code
            defer { waiters = [] }
            return (code, waiters)
        }
        for w in waiting { w.resume(returning: code) }
    }

    func onFinish(_ c: CheckedContinuation<Int32, Never>) {
        let done: Int32? = lock.withLock {
            if value == nil { waiters.append(c) }
            return value
        }
        if let done { c.resume(returning: done) }
    }

    /// Runs `body` while the child has not been reaped: until then its pid cannot name another process.
    func whileRunning(_ body: () -> Void) {
        lock.withLock { if value == nil { body() } }
    }
}
