import Foundation
import Git
import TestSupport
import XCTest

/// Fetch and push over real servers on loopback: `git daemon` and sshd.
final class TransportTests: XCTestCase {
    let author = Signature(name: "ayse", email: "ayse@34-kadikoy.gpmsync.invalid")

    func makeServerRepository(_ path: String, hook: String? = nil) throws -> ObjectID {
        let repo = try Repository.create(path, bare: true)
        let tree = try repo.writeTree(["f.txt": TreeEntry(id: try repo.writeBlob(Array("1\n".utf8)))])
        let c = try repo.createCommit(tree: tree, parents: [], message: "first\n", author: author, updating: "refs/heads/main")
        if let hook { try write(hook, to: path + "/hooks/pre-receive", mode: 0o755) }
        return c
    }

    /// A local clone made by the wrapper, with one new commit on main.
    func cloneWithNewCommit(_ dir: TemporaryDirectory, url: String, options: TransferOptions = TransferOptions()) throws -> (Repository, ObjectID) {
        let local = try Repository.create(dir.sub("local"), bare: false)
        try local.fetch(url: url, refspecs: ["+refs/heads/main:refs/remotes/central/main"], options: options)
        let base = try XCTUnwrap(try local.reference("refs/remotes/central/main"))
        var tree = try local.treeEntries(try local.commit(base).tree)
        tree["g.txt"] = TreeEntry(id: try local.writeBlob(Array("2\n".utf8)))
        let c = try local.createCommit(tree: try local.writeTree(tree), parents: [base], message: "second\n", author: author)
        try local.setReference("refs/heads/main", to: c, message: "test")
        return (local, c)
    }

    func testPushRefusedByAHookOverGitDaemonIsAnErrorWithTheServersWords() throws {
        let dir = TemporaryDirectory()
        _ = try makeServerRepository(dir.sub("srv/central.git"), hook: "#!/bin/sh\necho 'ownership: municipalities/16-nilufer/ is not yours' >&2\nexit 1\n")
        let daemon = try startGitDaemon(base: dir.sub("srv"))
        let url = "git://127.0.0.1:\(daemon.port)/central.git"
        let (local, _) = try cloneWithNewCommit(dir, url: url)
        XCTAssertThrowsError(try local.push(url: url, refspecs: ["refs/heads/main:refs/heads/contrib/34-kadikoy"])) { error in
            let e = error as? GitError
            XCTAssertEqual(e?.code, .pushRejected)
            XCTAssertTrue(e?.message.contains("ownership: municipalities/16-nilufer/ is not yours") ?? false, e?.message ?? "")
        }
        XCTAssertThrowsError(try git(["rev-parse", "--verify", "refs/heads/contrib/34-kadikoy"], in: dir.sub("srv/central.git")))
    }

    func testPushAcceptedOverGitDaemonAndNonFastForwardRefused() throws {
        let dir = TemporaryDirectory()
        let first = try makeServerRepository(dir.sub("srv/central.git"), hook: "#!/bin/sh\nexit 0\n")
        let daemon = try startGitDaemon(base: dir.sub("srv"))
        let url = "git://127.0.0.1:\(daemon.port)/central.git"
        let (local, c) = try cloneWithNewCommit(dir, url: url)
        try local.push(url: url, refspecs: ["refs/heads/main:refs/heads/contrib/34-kadikoy"])
        XCTAssertEqual(try git(["rev-parse", "contrib/34-kadikoy"], in: dir.sub("srv/central.git")), c.hex)
        // A push that would drop c is not a fast-forward.
        try local.setReference("refs/heads/old", to: first, message: "test")
        XCTAssertThrowsError(try local.push(url: url, refspecs: ["refs/heads/old:refs/heads/contrib/34-kadikoy"])) { error in
            XCTAssertEqual((error as? GitError)?.code, .nonFastForward, "\(error)")
        }
        let advertised = try local.listRemote(url: url)
        XCTAssertEqual(advertised.first { $0.name == "refs/heads/contrib/34-kadikoy" }?.id, c)
    }

    func testFetchOfAMissingRepositoryOrADeadServerFails() throws {
        let dir = TemporaryDirectory()
        _ = try makeServerRepository(dir.sub("srv/central.git"))
        let daemon = try startGitDaemon(base: dir.sub("srv"))
        let local = try Repository.create(dir.sub("local"), bare: false)
        XCTAssertThrowsError(try local.fetch(url: "git://127.0.0.1:\(daemon.port)/missing.git", refspecs: ["+refs/heads/main:refs/remotes/central/main"]))
        daemon.stop()
        XCTAssertThrowsError(try local.fetch(url: "git://127.0.0.1:\(daemon.port)/central.git", refspecs: ["+refs/heads/main:refs/remotes/central/main"])) { error in
            XCTAssertTrue((error as? GitError)?.isNetwork ?? false, "\(error)")
        }
    }

    func testSSHWithTheRightKeyAndTheWrongOne() throws {
        let dir = TemporaryDirectory()
        let first = try makeServerRepository(dir.sub("central.git"))
        let ssh = try SSHServer(directory: dir.sub("ssh"), users: ["ayse"])
        let url = ssh.url(dir.sub("central.git"))
        let local = try Repository.create(dir.sub("local"), bare: false)

        let good = TransferOptions(credentials: Credentials(sshKeyFile: ssh.key("ayse"), knownHostsFile: ssh.knownHosts))
        try local.fetch(url: url, refspecs: ["+refs/heads/main:refs/remotes/central/main"], options: good)
        XCTAssertEqual(try local.reference("refs/remotes/central/main"), first)

        // A key the server does not know: libgit2 asks again after the refusal; we must stop, not loop.
        let stranger = TransferOptions(credentials: Credentials(sshKeyFile: ssh.key("stranger"), knownHostsFile: ssh.knownHosts))
        XCTAssertThrowsError(try local.fetch(url: url, refspecs: ["+refs/heads/main:refs/remotes/x/main"], options: stranger)) { error in
            let e = error as? GitError
            XCTAssertFalse(e?.isNetwork ?? true, "\(error)")
            XCTAssertFalse(e?.message.contains("BEGIN OPENSSH") ?? true)
        }

        // A host key that is not in known_hosts is refused before any credential is sent.
        try write("[127.0.0.1]:\(ssh.port) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3Rk0Yo5P5nX8Q6yW7kJb2mQ0y2wV0m1cWm1Q9l8m0a\n", to: dir.sub("other_known_hosts"))
        let spoofed = TransferOptions(credentials: Credentials(sshKeyFile: ssh.key("ayse"), knownHostsFile: dir.sub("other_known_hosts")))
        XCTAssertThrowsError(try local.fetch(url: url, refspecs: ["+refs/heads/main:refs/remotes/y/main"], options: spoofed)) { error in
            XCTAssertEqual((error as? GitError)?.code, .certificate, "\(error)")
        }
    }

    func testTokenFileMustBePrivate() throws {
        let dir = TemporaryDirectory()
        try write("secret-token\n", to: dir.sub("token"), mode: 0o644)
        let local = try Repository.create(dir.sub("local"), bare: false)
        // A local https listener is not needed: the credential callback runs only when a server asks, so
        // check the rule where it lives, through a server that asks for basic auth.
        let server = try ServerProcess("/usr/bin/python3") { port in ["-c", """
        import http.server
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(401); self.send_header('WWW-Authenticate', 'Basic realm="git"'); self.send_header('Content-Length', '0'); self.end_headers()
            def log_message(self, *a): pass
        http.server.HTTPServer(('127.0.0.1', \(port)), H).serve_forever()
        """] }
        defer { server.stop() }
        let port = server.port
        let options = TransferOptions(credentials: Credentials(tokenFile: dir.sub("token"), username: "ayse"))
        XCTAssertThrowsError(try local.fetch(url: "http://127.0.0.1:\(port)/central.git", refspecs: ["+refs/heads/main:refs/remotes/c/main"], options: options)) { error in
            XCTAssertEqual((error as? GitError)?.code, .auth)
            XCTAssertTrue((error as? GitError)?.message.contains("0600") ?? false, "\(error)")
            XCTAssertFalse("\(error)".contains("secret-token"))
        }
        chmod(dir.sub("token"), 0o600)
        // With a private file the token is sent once; the server still says no, and we stop there.
        XCTAssertThrowsError(try local.fetch(url: "http://127.0.0.1:\(port)/central.git", refspecs: ["+refs/heads/main:refs/remotes/c/main"], options: options)) { error in
            XCTAssertEqual((error as? GitError)?.code, .auth, "\(error)")
            XCTAssertFalse("\(error)".contains("secret-token"))
        }
    }

    /// The deadline as the progress callbacks see it: a transfer past it stops with `.timeout`. (A server
    /// that never answers calls no callback; that case is the sync's own deadline, in FaultTests.)
    func testATransferPastItsDeadlineStopsInTheCallbacks() throws {
        let dir = TemporaryDirectory()
        let local = try Repository.create(dir.sub("local"), bare: false)
        let options = TransferOptions(deadline: ContinuousClock.now - .seconds(1))
        _ = try makeServerRepository(dir.sub("srv/central.git"))
        let daemon = try startGitDaemon(base: dir.sub("srv"))
        XCTAssertThrowsError(try local.fetch(url: "git://127.0.0.1:\(daemon.port)/central.git", refspecs: ["+refs/heads/main:refs/remotes/c/main"], options: options)) { error in
            XCTAssertEqual((error as? GitError)?.code, .timeout, "\(error)")
        }
    }
}
