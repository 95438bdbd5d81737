import Foundation

/// Debian's gitolite3 on loopback, set up as its README says, for the current user with its own home:
/// `gitolite setup -pk admin.pub`, then the admin clones `gitolite-admin` over ssh, adds the users' keys and
/// the repository's rules, and pushes. sshd reads gitolite's own authorized_keys (its forced command runs
/// `gitolite-shell USER`, which sets `GL_USER`) with HOME pointing at the gitolite home.
public final class GitoliteServer {
    /// The gitolite hosting user's home: `.gitolite.rc`, `.gitolite/`, `repositories/`.
    public let home: String
    public let ssh: SSHServer
    private let directory: String
    private let users: [String]

    /// `users`: the people who get a key (besides gitolite's `admin`).
    public init(directory: String, users: [String]) throws {
        self.directory = directory
        self.users = users
        home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        ssh = try SSHServer(directory: directory + "/ssh", users: users,
                            authorizedKeysFile: home + "/.ssh/authorized_keys", sessionEnvironment: ["HOME": home])
        // gitolite names a user after the key file: admin.pub is `admin`.
        try TestSupport.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", ssh.key("admin")])
        try FileManager.default.copyItem(atPath: ssh.key("admin") + ".pub", toPath: directory + "/admin.pub")
        try gitolite(["setup", "-pk", directory + "/admin.pub"])
    }

    /// The path of a repository on the server (to create it there before gitolite adopts it).
    public func repositoryPath(_ name: String) -> String { home + "/repositories/\(name).git" }

    /// The ssh URL of a repository, as users give it.
    public func url(_ name: String) -> String { "ssh://\(NSUserName())@127.0.0.1:\(ssh.port)/\(name)" }

    /// The admin's change to `gitolite-admin`: every user's key in `keydir/` and `rules` appended to
    /// `conf/gitolite.conf`, pushed over ssh; then `gitolite setup` on the server installs gitolite's own
    /// hook into repositories it adopted rather than created.
    public func configure(_ rules: String) throws {
        let admin = directory + "/gitolite-admin"
        try git(["clone", "-q", url("gitolite-admin"), admin], environment: ssh.gitEnvironment("admin"))
        for user in users {
            try FileManager.default.copyItem(atPath: ssh.key(user) + ".pub", toPath: admin + "/keydir/\(user).pub")
        }
        let conf = admin + "/conf/gitolite.conf"
        try write(try String(contentsOfFile: conf, encoding: .utf8) + "\n" + rules, to: conf)
        try git(["add", "-A"], in: admin)
        try git(["commit", "-q", "-m", "gpmsync central"], in: admin)
        try git(["push", "-q", "origin", "HEAD"], in: admin, environment: ssh.gitEnvironment("admin"))
        try gitolite(["setup"])
    }

    public func stop() { ssh.stop() }

    deinit { stop() }

    /// The `gitolite` command as the hosting user.
    private func gitolite(_ arguments: [String]) throws {
        let r = try TestSupport.run("/usr/bin/gitolite", arguments, environment: ["HOME": home])
        guard r.status == 0 else { throw TestFailure("gitolite \(arguments.joined(separator: " ")) failed: \(r.stderr)") }
    }
}
