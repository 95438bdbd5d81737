import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A git server for tests, benchmarks and the demo: one `git daemon` per person on loopback, each started
/// with that person's `GPMSYNC_USER`, so the central repository's pre-receive hook runs for real and knows
/// who pushes (a push to a local path would skip server hooks). `git daemon` ships with git.
public final class LoopbackGitServers {
    let base: String
    private var daemons: [String: ServerProcess] = [:]
    private var ports: [String: UInt16] = [:]

    /// Serves the repositories under `base`.
    public init(base: String) { self.base = base }

    public static var daemonBinary: String? {
        ["/usr/lib/git-core/git-daemon", "/usr/libexec/git-core/git-daemon"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts (or restarts on the same port) the daemon serving `user`; returns the URL of `central.git`.
    @discardableResult
    public func start(_ user: String) throws -> String {
        guard let binary = Self.daemonBinary else { throw ServerError("git daemon is not installed (Debian package git)") }
        let server = try ServerProcess(binary, port: ports[user], environment: ["GPMSYNC_USER": user]) { port in
            Self.daemonArguments(base: base, port: port)
        }
        daemons[user] = server
        ports[user] = server.port
        return url(user)
    }

    /// A daemon serving every repository under `base` with pushes enabled, not tied to a user.
    public static func serve(base: String) throws -> ServerProcess {
        guard let binary = daemonBinary else { throw ServerError("git daemon is not installed (Debian package git)") }
        return try ServerProcess(binary) { daemonArguments(base: base, port: $0) }
    }

    static func daemonArguments(base: String, port: UInt16) -> [String] {
        ["--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1", "--port=\(port)",
         "--base-path=\(base)", base]
    }

    public func port(_ user: String) -> UInt16 { ports[user]! }

    public func url(_ user: String) -> String { "git://127.0.0.1:\(ports[user]!)/central.git" }

    /// Stops one person's daemon: for them the central repository is now unreachable.
    public func stop(_ user: String) {
        // SIGKILL: a parent may hand down a mask that blocks SIGTERM, and a git daemon has nothing to save.
        guard let server = daemons.removeValue(forKey: user) else { return }
        server.stop(signal: SIGKILL)
        // A restart binds the same port: wait (polling, with a deadline) until nothing answers there.
        let end = ContinuousClock.now + .seconds(10)
        while Loopback.isListening(server.port), ContinuousClock.now < end { usleep(10_000) }
    }

    public func stopAll() { for user in daemons.keys { stop(user) } }

    deinit { stopAll() }
}
