import Foundation
import Spawn
#if canImport(Glibc)
import Glibc
#endif

/// TCP on 127.0.0.1 for servers that tests, benchmarks and the demo start.
///
/// A port found free and bound later by another process is a race: someone may take it in between. So a
/// server is started on a candidate port and counted as started only when that very process holds a socket
/// listening on it (read from /proc); if the process exits instead (the port was taken), another candidate
/// is tried.
public enum Loopback {
    /// A port the kernel handed out for a moment: a candidate, to be confirmed by the process that binds it.
    public static func candidatePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = loopbackAddress(port: 0)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Whether something accepts TCP connections on the loopback port.
    public static func isListening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = loopbackAddress(port: port)
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } }
    }

    /// Whether process `pid` itself holds a socket listening on `port` (IPv4 or IPv6), as /proc tells.
    public static func listens(pid: pid_t, port: UInt16) -> Bool {
        let sockets = Set(((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).compactMap { fd -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst(8).dropLast())
        })
        guard !sockets.isEmpty else { return false }
        let wanted = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(separator: " ")
                // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
                guard f.count > 9, f[3] == "0A", f[1].hasSuffix(":" + wanted), sockets.contains(String(f[9])) else { continue }
                return true
            }
        }
        return false
    }

    static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return addr
    }
}

/// A server process on loopback, stopped when the value goes away.
public final class ServerProcess: @unchecked Sendable {
    public let pid: pid_t
    public let port: UInt16
    private let lock = NSLock()
    private var stopped = false

    /// Starts `executable` with the arguments `arguments(port)` for a candidate port, and returns once that
    /// process listens there; a process that exits first (the port was taken meanwhile) is retried on
    /// another port. `port` pins the port (a restart on the same address): then there is no retry.
    public init(_ executable: String, port pinned: UInt16? = nil, in directory: String? = nil,
                environment: [String: String] = [:], timeout: Duration = .seconds(20),
                _ arguments: (UInt16) throws -> [String]) throws {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        var attempt = 0
        while true {
            attempt += 1
            let port = pinned ?? Loopback.candidatePort()
            let pid = try Spawn.start(executable, try arguments(port), in: directory, environment: env)
            let end = ContinuousClock.now + timeout
            var exited = false
            while ContinuousClock.now < end {
                if Loopback.listens(pid: pid, port: port) {
                    self.pid = pid
                    self.port = port
                    return
                }
                if Spawn.poll(pid) != nil { exited = true; break }
                usleep(5_000)
            }
            if !exited {
                kill(pid, SIGKILL)
                Spawn.wait(pid)
                throw ServerError("\(executable) did not start listening on 127.0.0.1:\(port)")
            }
            guard pinned == nil, attempt < 8 else {
                throw ServerError("\(executable) exited before listening on 127.0.0.1:\(port)")
            }
        }
    }

    /// Stops the server (SIGTERM, or SIGKILL for one with nothing to save) and reaps it.
    public func stop(signal: Int32 = SIGTERM) {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        kill(pid, signal)
        Spawn.wait(pid)
    }

    deinit { stop() }
}

public struct ServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
