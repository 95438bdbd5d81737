import Foundation
import GPMSync
@_exported import CoreTestSupport
@_exported import LoopbackServers
#if canImport(Glibc)
import Glibc
#endif

/// A port on loopback that was free a moment ago: only for a URL that must find nothing listening, or for a
/// gpmsync daemon whose test reads the port back; servers the tests start go through `ServerProcess`, which
/// confirms the port and retries.
public func freePort() -> UInt16 { Loopback.candidatePort() }

/// Whether something accepts TCP connections on the loopback port.
public func isListening(_ port: UInt16) -> Bool { Loopback.isListening(port) }

/// `git daemon` serving `base` on loopback with pushes enabled (hooks run, unlike a push to a path).
public func startGitDaemon(base: String) throws -> ServerProcess { try LoopbackGitServers.serve(base: base) }

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
        let hostPub = try String(contentsOfFile: directory + "/host_key.pub", encoding: .utf8).split(separator: " ")
        let server = try ServerProcess("/usr/sbin/sshd") { [directory] port in
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
            return ["-D", "-e", "-f", directory + "/sshd_config"]
        }
        self.server = server
        port = server.port
        knownHosts = directory + "/known_hosts"
        try write("[127.0.0.1]:\(port) \(hostPub[0]) \(hostPub[1])\n", to: knownHosts)
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


/// A small tmpfs to fill up: the full disk of the fault tests. `mount` gives nil where none can be mounted
/// (not root), for the test to skip.
public struct SmallDisk {
    public let path: String

    public static func mount(at path: String, size: String) throws -> SmallDisk? {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path]).status == 0 else { return nil }
        return SmallDisk(path: path)
    }

    public func unmount() { _ = try? run("/bin/umount", ["-l", path]) }
}
