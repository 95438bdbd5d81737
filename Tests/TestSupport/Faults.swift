import Foundation
import Spawn

/// A TCP proxy on loopback that forwards to `target` and cuts the connection after `limit` bytes in one
/// direction: a network that drops in the middle of a pack. Written in Python (standard library only).
public func startCuttingProxy(target: UInt16, limit: Int, direction: String) throws -> ServerProcess {
    try ServerProcess("/usr/bin/python3") { port in ["-c", """
    import socket, threading
    LIMIT, DIRECTION = \(limit), "\(direction)"
    def pipe(src, dst, limited):
        sent = 0
        try:
            while True:
                data = src.recv(4096)
                if not data:
                    break
                if limited and sent + len(data) > LIMIT:
                    dst.sendall(data[:max(0, LIMIT - sent)])
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", \(port)))
    srv.listen(16)
    while True:
        c, _ = srv.accept()
        u = socket.create_connection(("127.0.0.1", \(target)))
        threading.Thread(target=pipe, args=(c, u, DIRECTION == "up"), daemon=True).start()
        threading.Thread(target=pipe, args=(u, c, DIRECTION == "down"), daemon=True).start()
    """] }
}

/// A listener that accepts connections and never says a word.
public func startSilentListener() throws -> ServerProcess {
    try ServerProcess("/usr/bin/python3") { port in ["-c", """
    import socket, time
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", \(port)))
    srv.listen(16)
    held = []
    while True:
        c, _ = srv.accept()
        held.append(c)
    """] }
}

/// Starts a program and returns its pid, for killing it at a chosen instant: no inherited descriptors
/// beyond stdio, default signal handling, output to /dev/null, the test's own working folder unchanged.
public func spawn(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> pid_t {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    return try Spawn.start(executable, arguments, in: directory, environment: env)
}

/// Waits for a child and returns its exit status (or 128 + signal).
@discardableResult
public func reap(_ pid: pid_t) -> Int32 { Spawn.wait(pid) }

/// A git process that stays alive, working in `directory`, until its standard input is closed: a live git
/// as a lock-holding neighbour of gpmsync. Write to `input`, close it, then `waitUntilExit()`.
public final class LiveGit {
    public let process = Process()
    public let input = Pipe()

    public init(_ arguments: [String], in directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Ends its input (so it finishes) and waits; returns its exit status.
    @discardableResult
    public func finish(writing text: String = "") throws -> Int32 {
        if !text.isEmpty { input.fileHandleForWriting.write(Data(text.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
