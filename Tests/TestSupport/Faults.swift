import Foundation

/// A TCP proxy on loopback that forwards to `target` and cuts the connection after `limit` bytes in one
/// direction: a network that drops in the middle of a pack. Written in Python (standard library only).
public func startCuttingProxy(target: UInt16, limit: Int, direction: String) throws -> ServerProcess {
    let port = freePort()
    let script = """
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
    """
    return try ServerProcess("/usr/bin/python3", ["-c", script], port: port)
}

/// A listener that accepts connections and never says a word.
public func startSilentListener() throws -> ServerProcess {
    let port = freePort()
    let script = """
    import socket, time
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", \(port)))
    srv.listen(16)
    held = []
    while True:
        c, _ = srv.accept()
        held.append(c)
    """
    return try ServerProcess("/usr/bin/python3", ["-c", script], port: port)
}

/// Starts a program and returns its pid, for killing it at a chosen instant: no inherited descriptors
/// beyond stdio, default signal handling, output to /dev/null.
public func spawn(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> pid_t {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    closeInheritedDescriptors(&actions)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    resetSignals(&attributes)
    let previous = FileManager.default.currentDirectoryPath
    _ = FileManager.default.changeCurrentDirectoryPath(directory)
    defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw TestFailure("cannot spawn \(executable): \(rc)") }
    return pid
}

/// Waits for a child and returns its exit status (or 128 + signal).
@discardableResult
public func reap(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    if status & 0x7f == 0 { return (status >> 8) & 0xff }
    return 128 + (status & 0x7f)
}

/// Adds a close action for every descriptor above 2: a spawned child must not keep the test's pipes open
/// (a pipe whose write end a child holds never reaches end of file).
func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    let fds = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
    for fd in fds where fd > 2 && fcntl(fd, F_GETFD) >= 0 { posix_spawn_file_actions_addclose(&actions, fd) }
}

/// A child starts with no blocked signals and default handlers, whatever the test runner's threads had.
func resetSignals(_ attributes: inout posix_spawnattr_t) {
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
}

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
