import Foundation

/// A git server for the demo and the benchmarks: one `git daemon` per person on loopback, each started
/// with that person's `GPMSYNC_USER`, so the central repository's pre-receive hook runs for real and knows
/// who pushes (a push to a local path would skip server hooks). `git daemon` ships with git.
public final class LoopbackGitServers {
    let base: String
    private var daemons: [String: (process: Process, port: UInt16)] = [:]

    /// Serves the repositories under `base`.
    public init(base: String) { self.base = base }

    public static var daemonBinary: String? {
        ["/usr/lib/git-core/git-daemon", "/usr/libexec/git-core/git-daemon"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts (or restarts on the same port) the daemon serving `user`; returns the URL of `central.git`.
    @discardableResult
    public func start(_ user: String) throws -> String {
        let port = daemons[user]?.port ?? Loopback.freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.daemonBinary!)
        p.arguments = ["--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1", "--port=\(port)",
                       "--base-path=\(base)", base]
        var env = ProcessInfo.processInfo.environment
        env["GPMSYNC_USER"] = user
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        daemons[user] = (p, port)
        let deadline = Date().addingTimeInterval(10)
        while !Loopback.isListening(port) {
            guard Date() < deadline else { throw GPMError(.usage, en: "git daemon did not start", tr: "git daemon başlamadı") }
            usleep(10_000)
        }
        return url(user)
    }

    public func port(_ user: String) -> UInt16 { daemons[user]!.port }

    public func url(_ user: String) -> String { "git://127.0.0.1:\(daemons[user]!.port)/central.git" }

    /// Stops one person's daemon: for them the central repository is now unreachable.
    public func stop(_ user: String) {
        guard let d = daemons[user] else { return }
        // SIGKILL: a parent may hand down a mask that blocks SIGTERM, and a git daemon has nothing to save.
        kill(d.process.processIdentifier, SIGKILL)
        d.process.waitUntilExit()
        while Loopback.isListening(d.port) { usleep(10_000) }
    }

    public func stopAll() { for user in daemons.keys { stop(user) } }

    deinit { stopAll() }
}

/// TCP on 127.0.0.1: a port free a moment ago, and whether something listens on a port.
public enum Loopback {
    public static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }

    public static func isListening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } }
    }
}
