import CSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

#if !os(Linux)
#error("gpmsync runs on Linux: it spawns with glibc, watches with inotify and reads /proc")
#endif

/// Starting a program the way gpmsync's daemon and its tests need it, with posix_spawn rather than
/// Foundation's Process: the child inherits no descriptor beyond its standard streams (a thousand open
/// sockets, or a test's pipes, must not leak into it), starts with no blocked signal and default handlers
/// (whatever the parent's threads had set), and runs in the folder given without the parent changing its
/// own working directory (`posix_spawn_file_actions_addchdir_np`, glibc 2.29).
public enum Spawn {
    /// Where a child's standard output or error goes.
    public enum Stream: Sendable {
        case null, inherit
    }

    /// Starts `executable` (an absolute path) and returns its pid; the caller reaps it.
    public static func start(_ executable: String, _ arguments: [String], in directory: String? = nil,
                             environment: [String: String]? = nil, stdout: Stream = .null,
                             stderr: Stream = .null) throws -> pid_t {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { env in env.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if stdout == .null { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
        if stderr == .null { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        // Closing a descriptor that another thread closed meanwhile is harmless: glibc ignores EBADF here.
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        for fd in open where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        if let directory { cspawn_addchdir(&actions, directory) }
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
        var pid: pid_t = 0
        let rc = envp.map { envp in
            envp.withUnsafeBufferPointer { posix_spawn(&pid, executable, &actions, &attributes, argv, UnsafeMutablePointer(mutating: $0.baseAddress)) }
        } ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }

    /// Waits for `pid` and returns its exit code as the shell shows it (128 + signal for a killed child).
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 2 }
        }
        return exitCode(status)
    }

    /// Whether `pid` has exited, reaping it if so (its exit code), without blocking.
    public static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        return r == pid ? exitCode(status) : (r < 0 && errno == ECHILD ? 2 : nil)
    }

    /// A wait status as an exit code: the code itself, or 128 + the signal that ended the process.
    public static func exitCode(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The signal that ended the process, if a signal did (for a test that must tell a kill from an exit).
    public static func terminatingSignal(_ status: Int32) -> Int32? {
        status & 0x7f == 0 ? nil : status & 0x7f
    }
}
