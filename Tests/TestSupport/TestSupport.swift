import Foundation
import GPMSync
#if canImport(Glibc)
import Glibc
#endif

/// A temporary folder removed when the value goes away.
public final class TemporaryDirectory {
    public let path: String

    public init(_ name: String = "gpmsync-test") {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(name)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func sub(_ name: String) -> String { path + "/" + name }
}

/// The result of running a program.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion, capturing its output.
@discardableResult
public func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                environment: [String: String] = [:], input: String? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    p.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let inPipe = Pipe()
    p.standardInput = inPipe
    try p.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let errBox = DataBox()
    let errHandle = err.fileHandleForReading
    Thread { errBox.data = errHandle.readDataToEndOfFile(); errBox.done.signal() }.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errBox.done.wait()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
}

/// Runs the git CLI, the second client of every test; throws when it fails.
@discardableResult
public func git(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                input: String? = nil) throws -> String {
    let r = try run("/usr/bin/git", arguments, in: directory, environment: environment.merging(
        ["GIT_AUTHOR_NAME": "cli", "GIT_AUTHOR_EMAIL": "cli@example.invalid",
         "GIT_COMMITTER_NAME": "cli", "GIT_COMMITTER_EMAIL": "cli@example.invalid"], uniquingKeysWith: { a, _ in a }), input: input)
    guard r.status == 0 else { throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(r.stderr)") }
    return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A port on loopback that was free a moment ago.
public func freePort() -> UInt16 { Loopback.freePort() }

/// Polls `condition` until it holds or the deadline passes; no fixed sleeps.
public func waitUntil(timeout: Duration = .seconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// Whether something accepts TCP connections on the loopback port.
public func isListening(_ port: UInt16) -> Bool { Loopback.isListening(port) }

/// A background server process killed when the value goes away. Spawned with posix_spawn rather than
/// Foundation's Process: a daemon that closes its inherited descriptors at start (sshd does) makes
/// Foundation believe it exited and block its process monitor in waitpid, stalling every later Process.
public final class ServerProcess {
    public let pid: pid_t
    public let port: UInt16
    private var stopped = false

    public init(_ executable: String, _ arguments: [String], port: UInt16, environment: [String: String] = [:]) throws {
        pid = try spawn(executable, arguments, in: FileManager.default.currentDirectoryPath, environment: environment)
        self.port = port
        guard waitUntil({ isListening(port) }) else {
            stop()
            throw TestFailure("\(executable) did not start listening on \(port)")
        }
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    deinit { stop() }
}

/// `git daemon` serving `base` on loopback with pushes enabled (hooks run, unlike a push to a path).
public func startGitDaemon(base: String) throws -> ServerProcess {
    let port = freePort()
    return try ServerProcess("/usr/lib/git-core/git-daemon", [
        "--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1", "--port=\(port)",
        "--base-path=\(base)", base,
    ], port: port)
}

/// The built gpmsync binary beside the test bundle.
public var gpmsyncBinary: String {
    let candidates = [
        Bundle.main.bundleURL.appendingPathComponent("gpmsync").path,
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("gpmsync").path,
    ]
    for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent(".build/debug/gpmsync").path
}

/// Writes a file, creating its folders.
public func write(_ text: String, to path: String, mode: Int = 0o644) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    chmod(path, mode_t(mode))
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

/// An OpenSSH server on loopback for tests: one key per user in authorized_keys with `command=` setting
/// `GPMSYNC_USER` and running git-shell, the standard way a git server identifies users.
public final class SSHServer {
    public let directory: String
    public let port: UInt16
    public let knownHosts: String
    private var server: ServerProcess?

    /// `users`: name → extra environment assignments for that user's forced command.
    /// `authorizedKeysFile`: another server's key file (gitolite's) instead of the one written here, and
    /// `sessionEnvironment` what sshd sets for every session (`SetEnv`, e.g. that server's HOME).
    public init(directory: String, users: [String], environment: [String: String] = [:],
                authorizedKeysFile: String? = nil, sessionEnvironment: [String: String] = [:]) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/host_key"])
        var authorized = ""
        let env = environment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        for user in users {
            try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/\(user)_key"])
            let pub = try String(contentsOfFile: directory + "/\(user)_key.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            authorized += "command=\"env GPMSYNC_USER=\(user) \(env) git-shell -c \\\"$SSH_ORIGINAL_COMMAND\\\"\",no-port-forwarding,no-pty \(pub)\n"
        }
        try write(authorized, to: directory + "/authorized_keys", mode: 0o600)
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/stranger_key"])
        port = freePort()
        let config = """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(directory)/host_key
        AuthorizedKeysFile \(authorizedKeysFile ?? directory + "/authorized_keys")
        \(sessionEnvironment.isEmpty ? "" : "SetEnv " + sessionEnvironment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))
        StrictModes no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        UsePAM no
        PidFile \(directory)/sshd.pid
        LogLevel ERROR

        """
        try write(config, to: directory + "/sshd_config")
        let hostPub = try String(contentsOfFile: directory + "/host_key.pub", encoding: .utf8).split(separator: " ")
        knownHosts = directory + "/known_hosts"
        try write("[127.0.0.1]:\(port) \(hostPub[0]) \(hostPub[1])\n", to: knownHosts)
        server = try ServerProcess("/usr/sbin/sshd", ["-D", "-e", "-f", directory + "/sshd_config"], port: port)
    }

    public func key(_ user: String) -> String { directory + "/\(user)_key" }

    /// An ssh:// URL for an absolute path on this machine.
    public func url(_ path: String) -> String {
        "ssh://\(NSUserName())@127.0.0.1:\(port)\(path)"
    }

    /// The environment that makes the git CLI use this server with `user`'s key.
    public func gitEnvironment(_ user: String) -> [String: String] {
        ["GIT_SSH_COMMAND": "ssh -i \(key(user)) -o IdentitiesOnly=yes -o UserKnownHostsFile=\(knownHosts) -o StrictHostKeyChecking=yes"]
    }

    public func stop() { server?.stop() }
}

/// The package's root folder (where Package.swift is).
public var packageRoot: String {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir.path
}

/// A working copy of Repos/template in a temporary folder, to put test files into.
public func templateCopy(_ dir: TemporaryDirectory, name: String = "repo") throws -> String {
    let dest = dir.sub(name)
    try FileManager.default.copyItem(atPath: packageRoot + "/Repos/template", toPath: dest)
    return dest
}

/// SplitMix64: a seeded generator, so a property test that fails fails again with the same cases.
public struct SplitMix: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
