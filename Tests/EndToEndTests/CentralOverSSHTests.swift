import Foundation
import TestSupport
import XCTest

/// GPM's side over sshd on loopback: one key per user in authorized_keys with `command=` setting
/// `GPMSYNC_USER` and running git-shell, the standard way a git server identifies users.
final class CentralOverSSHTests: XCTestCase {
    var dir: TemporaryDirectory!
    var ssh: SSHServer!
    var central: String { dir.sub("central.git") }

    override func setUpWithError() throws {
        dir = TemporaryDirectory("gpmsync-ssh")
        try gpm(["central", "init", central]).check()
        for (u, role, org) in [("ayse", "municipality", "34-kadikoy"), ("mehmet", "municipality", "16-nilufer"),
                               ("elif", "reviewer", ""), ("root-admin", "admin", "")] {
            try gpm(["central", "grant", u, "--role", role, "--central", central] + (org.isEmpty ? [] : ["--org-unit", org])).check()
        }
        ssh = try SSHServer(directory: dir.sub("ssh"), users: ["ayse", "mehmet", "elif", "root-admin"])
    }

    override func tearDown() { ssh?.stop() }

    @discardableResult
    func gpm(_ args: [String], in d: String? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        try TestSupport.run(gpmsyncBinary, args, in: d, environment: env.merging(["LANG": "C"], uniquingKeysWith: { a, _ in a }))
    }

    func clone(_ name: String, _ org: String, _ user: String) throws -> String {
        let path = dir.sub(name)
        try gpm(["init", path, "--org-unit", org, "--central", ssh.url(central), "--user", user, "--ssh-key", ssh.key(user),
                 "--known-hosts", ssh.knownHosts]).check()
        return path
    }

    /// Pushes with the git CLI as `user`; returns what the server said.
    func cliPush(_ clone: String, as user: String, _ refspec: String, force: Bool = false) throws -> ProcessResult {
        try TestSupport.run("/usr/bin/git", ["push"] + (force ? ["--force"] : []) + [ssh.url(central), refspec], in: clone,
                            environment: ssh.gitEnvironment(user))
    }

    func testTheDoorRefusesWhatAMunicipalityMayNotDo() throws {
        let a = try clone("a", "34-kadikoy", "ayse")
        try write(Tables.residents([("SYR", "F", 100)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try gpm(["sync"], in: a).check()
        let tip = try git(["rev-parse", "contrib/34-kadikoy"], in: central)

        // Another municipality's path, through Kadıköy's own branch.
        try git(["checkout", "-q", "-b", "work", "central/contrib/34-kadikoy"], in: a)
        try write("x\n", to: a + "/municipalities/16-nilufer/profile.yaml")
        try git(["add", "-A"], in: a)
        try git(["commit", "-q", "--no-verify", "-m", "other"], in: a)
        var r = try cliPush(a, as: "ayse", "work:refs/heads/contrib/34-kadikoy")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("refused ownership municipalities/16-nilufer/profile.yaml"), r.stderr)
        // main, the notes, another municipality's branch.
        r = try cliPush(a, as: "ayse", "work:refs/heads/main")
        XCTAssertTrue(r.stderr.contains("may update only refs/heads/contrib/34-kadikoy"), r.stderr)
        r = try cliPush(a, as: "ayse", "work:refs/notes/gpmsync-review")
        XCTAssertTrue(r.stderr.contains("may update only refs/heads/contrib/34-kadikoy"), r.stderr)
        r = try cliPush(a, as: "ayse", "work:refs/heads/contrib/16-nilufer")
        XCTAssertTrue(r.stderr.contains("may update only refs/heads/contrib/34-kadikoy"), r.stderr)
        // A force-push that rewrites the branch, and a delete.
        try git(["reset", "-q", "--hard", "central/main"], in: a)
        try write(Tables.residents([("SYR", "F", 5)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try git(["add", "-A"], in: a)
        try git(["commit", "-q", "--no-verify", "-m", "rewrite"], in: a)
        r = try cliPush(a, as: "ayse", "work:refs/heads/contrib/34-kadikoy", force: true)
        XCTAssertTrue(r.stderr.contains("refused fast-forward"), r.stderr)
        r = try cliPush(a, as: "ayse", ":refs/heads/contrib/34-kadikoy")
        XCTAssertTrue(r.stderr.contains("may not be deleted"), r.stderr)
        // A schema change, even by a reviewer on main.
        try git(["reset", "-q", "--hard", "central/main"], in: a)
        try write("{}\n", to: a + "/datapackage.json")
        try git(["commit", "-q", "--no-verify", "-am", "schema"], in: a)
        r = try cliPush(a, as: "elif", "work:refs/heads/main")
        XCTAssertTrue(r.stderr.contains("only admins may change datapackage.json"), r.stderr)
        // An invalid record is refused with the rule and the file.
        try git(["reset", "-q", "--hard", "central/contrib/34-kadikoy"], in: a)
        try write(Tables.residents([("SYR", "F", 100), ("XXX", "F", 3)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try git(["commit", "-q", "--no-verify", "-am", "bad code"], in: a)
        r = try cliPush(a, as: "ayse", "work:refs/heads/contrib/34-kadikoy")
        XCTAssertTrue(r.stderr.contains("refused foreign-key municipalities/34-kadikoy/data/residents/2025Q1.csv:3"), r.stderr)
        // Nothing of that reached central.
        XCTAssertEqual(try git(["rev-parse", "contrib/34-kadikoy"], in: central), tip)
        XCTAssertThrowsError(try git(["rev-parse", "--verify", "contrib/16-nilufer"], in: central))
        // An unknown key is not let in at all.
        r = try cliPush(a, as: "stranger", "work:refs/heads/contrib/34-kadikoy")
        XCTAssertNotEqual(r.status, 0)
    }

    func testRefusalReachesTheStaffThroughSync() throws {
        // Kadıköy's clone configured with Nilüfer's key: the server says who may push what.
        let a = try clone("a", "34-kadikoy", "ayse")
        try git(["config", "gpmsync.sshKey", ssh.key("mehmet")], in: a)
        try write(Tables.residents([("SYR", "F", 100)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        let r = try gpm(["sync"], in: a)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("mehmet may update only refs/heads/contrib/16-nilufer"), r.stderr)
        let status = try gpm(["status"], in: a)
        XCTAssertTrue(status.stdout.contains("state: error"), status.stdout)
    }

    func testProcessReviewApproveRejectAndEveryoneSeesTheOutcome() throws {
        let a = try clone("a", "34-kadikoy", "ayse")
        let n = try clone("n", "16-nilufer", "mehmet")
        try write(Tables.residents([("SYR", "F", 100), ("SYR", "M", 80)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try write(Tables.residents([("IRQ", "F", 40)]), to: n + "/municipalities/16-nilufer/data/residents/2025Q1.csv")
        try gpm(["sync"], in: a).check()
        try gpm(["sync"], in: n).check()

        let processed = try gpm(["central", "process", "--central", central, "--format", "json"]).check()
        XCTAssertTrue(processed.stdout.contains("\"state\" : \"received\""), processed.stdout)
        // Idempotent: a second run finds nothing new.
        XCTAssertTrue(try gpm(["central", "process", "--central", central]).check().stdout.contains("no new contributions"))
        XCTAssertTrue(try git(["log", "--notes=gpmsync-review", "-1", "contrib/34-kadikoy"], in: central).contains("\"state\":\"received\""))

        // The reviewer has no clone: works against the URL with her key.
        let cache = dir.sub("cache")
        let env = ["GPMSYNC_USER": "elif", "XDG_CACHE_HOME": cache,
                   "GIT_SSH_COMMAND": ssh.gitEnvironment("elif")["GIT_SSH_COMMAND"]!]
        // libgit2 does not read GIT_SSH_COMMAND: the reviewer's key reaches it through a clone-less config.
        let reviewer = dir.sub("reviewer")
        try gpm(["init", reviewer, "--org-unit", "34-kadikoy", "--central", ssh.url(central), "--user", "elif", "--ssh-key", ssh.key("elif"),
                 "--known-hosts", ssh.knownHosts], env: env).check()
        let list = try gpm(["review", "list", "--format", "json"], in: reviewer, env: env).check()
        XCTAssertTrue(list.stdout.contains("34-kadikoy") && list.stdout.contains("16-nilufer"), list.stdout)
        XCTAssertEqual(try gpm(["review", "approve", "34-kadikoy"], in: reviewer, env: env).status, 2, "approve before show is refused")
        let shown = try gpm(["review", "show", "34-kadikoy"], in: reviewer, env: env).check()
        XCTAssertTrue(shown.stdout.contains("+ TP|SYR|M|ALL"), shown.stdout)
        try gpm(["review", "approve", "34-kadikoy"], in: reviewer, env: env).check()
        try gpm(["review", "show", "16-nilufer"], in: reviewer, env: env).check()
        try gpm(["review", "reject", "16-nilufer", "--reason", "IRQ count needs a source / kaynak gerekli"], in: reviewer, env: env).check()
        XCTAssertTrue(try git(["show", "main:municipalities/34-kadikoy/data/residents/2025Q1.csv"], in: central).contains("TP,SYR,M,ALL,80"))
        XCTAssertThrowsError(try git(["show", "main:municipalities/16-nilufer/data/residents/2025Q1.csv"], in: central))

        // Nilüfer receives Kadıköy's approved records and sees why its own came back.
        try gpm(["sync"], in: n).check()
        XCTAssertTrue(FileManager.default.fileExists(atPath: n + "/municipalities/34-kadikoy/data/residents/2025Q1.csv"))
        let status = try gpm(["status", "--format", "json"], in: n).check()
        XCTAssertTrue(status.stdout.contains("\"state\" : \"rejected\""), status.stdout)
        XCTAssertTrue(status.stdout.contains("IRQ count needs a source"), status.stdout)
        let tr = try gpm(["status", "--lang", "tr"], in: n).check()
        XCTAssertTrue(tr.stdout.contains("gönderim") && tr.stdout.contains("reddedildi") && !tr.stdout.contains("rejected"), tr.stdout)
        try gpm(["sync"], in: a).check()
        XCTAssertTrue(try gpm(["status"], in: a).check().stdout.contains("approved (elif)"))
    }

    func testApprovingATipThatMovedIsRefused() throws {
        let a = try clone("a", "34-kadikoy", "ayse")
        try write(Tables.residents([("SYR", "F", 100)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try gpm(["sync"], in: a).check()
        let env = ["GPMSYNC_USER": "elif", "XDG_CACHE_HOME": dir.sub("cache")]
        try gpm(["review", "show", "34-kadikoy", "--central", central], env: env).check()
        try write(Tables.residents([("SYR", "F", 101)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try gpm(["sync"], in: a).check()
        let r = try gpm(["review", "approve", "34-kadikoy", "--central", central], env: env)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("moved"), r.stderr)
        XCTAssertEqual(try gpm(["review", "list", "--central", central], env: ["GPMSYNC_USER": "ayse"]).status, 1, "only reviewers review")
    }
}
