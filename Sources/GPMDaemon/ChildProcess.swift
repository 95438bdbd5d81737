import Foundation

/// A `gpmsync` step run as a child process. Spawned with posix_spawn rather than Foundation's Process:
/// the child gets no descriptor of the daemon's (with a thousand connections open, inherited sockets cost
/// the child its own descriptors), default signal handling (the daemon's ignored SIGTERM would otherwise
/// be ignored by the child too), and exactly one reaper, a thread that waits for this pid alone, so the
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
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        // Closing a descriptor that another thread closed meanwhile is harmless: glibc ignores EBADF here.
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        for fd in open where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var spawned: pid_t = 0
        let rc = posix_spawn(&spawned, binary, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        let pid = spawned
        let child = ChildProcess(pid: pid)
        let reaper = Thread { [exit = child.exit] in
            // Wait for the exit without reaping, so the pid stays ours while `signal` may still use it.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
            exit.finish {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 {
                    guard errno == EINTR else { return 2 }
                }
                // Exit code as the shell shows it: 128 + signal for a child that was killed.
                return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
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
