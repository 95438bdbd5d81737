import Foundation
import TestSupport
import XCTest

/// GPM's side on gitolite (Debian's gitolite3) over sshd on loopback: the admin creates the central
/// repository on the server with `gpmsync central init`, gitolite adopts it, and its pre-receive hook
/// learns the pusher from `GL_USER`, which gitolite-shell sets from the key.
final class CentralOnGitoliteTests: XCTestCase {
    var dir: TemporaryDirectory!
    var gitolite: GitoliteServer!
    var central: String { gitolite.repositoryPath("central") }

    override func setUpWithError() throws {
        dir = TemporaryDirectory("gpmsync-gitolite")
        gitolite = try GitoliteServer(directory: dir.sub("gitolite"), users: ["ayse", "mehmet", "elif"])
        try gpm(["central", "init", central]).check()
        for (u, role, org) in [("ayse", "municipality", "34-kadikoy"), ("mehmet", "municipality", "16-nilufer"),
                               ("elif", "reviewer", "")] {
            try gpm(["central", "grant", u, "--role", role, "--central", central] + (org.isEmpty ? [] : ["--org-unit", org])).check()
        }
        // gitolite lets these users write to the repository; gpmsync's hook says which refs and what data.
        try gitolite.configure("repo central\n    RW = ayse mehmet elif\n")
    }

    override func tearDown() { gitolite?.stop() }

    @discardableResult
    func gpm(_ args: [String], in d: String? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        try TestSupport.run(gpmsyncBinary, args, in: d, environment: env.merging(["LANG": "C"], uniquingKeysWith: { a, _ in a }))
    }

    func clone(_ name: String, _ org: String, _ user: String) throws -> String {
        let path = dir.sub(name)
        try gpm(["init", path, "--org-unit", org, "--central", gitolite.url("central"), "--user", user,
                 "--ssh-key", gitolite.ssh.key(user), "--known-hosts", gitolite.ssh.knownHosts]).check()
        return path
    }

    func cliPush(_ clone: String, as user: String, _ refspec: String) throws -> ProcessResult {
        try TestSupport.run("/usr/bin/git", ["push", gitolite.url("central"), refspec], in: clone,
                            environment: gitolite.ssh.gitEnvironment(user))
    }

    func testTheHookKnowsThePusherFromGitolite() throws {
        let a = try clone("a", "34-kadikoy", "ayse")
        try write(Tables.residents([("SYR", "F", 100)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try gpm(["sync"], in: a).check()
        let tip = try git(["rev-parse", "contrib/34-kadikoy"], in: central)

        // Another municipality's path, main, the notes: refused by name, the name gitolite gave.
        try git(["checkout", "-q", "-b", "work", "central/contrib/34-kadikoy"], in: a)
        try write("x\n", to: a + "/municipalities/16-nilufer/profile.yaml")
        try git(["add", "-A"], in: a)
        try git(["commit", "-q", "--no-verify", "-m", "other"], in: a)
        var r = try cliPush(a, as: "ayse", "work:refs/heads/contrib/34-kadikoy")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("refused ownership municipalities/16-nilufer/profile.yaml"), r.stderr)
        r = try cliPush(a, as: "ayse", "work:refs/heads/main")
        XCTAssertTrue(r.stderr.contains("ayse may update only refs/heads/contrib/34-kadikoy"), r.stderr)
        r = try cliPush(a, as: "ayse", "work:refs/notes/gpmsync-review")
        XCTAssertTrue(r.stderr.contains("ayse may update only refs/heads/contrib/34-kadikoy"), r.stderr)
        // The same commit from Nilüfer's key onto Kadıköy's branch: gitolite says it is mehmet.
        r = try cliPush(a, as: "mehmet", "work:refs/heads/contrib/34-kadikoy")
        XCTAssertTrue(r.stderr.contains("mehmet may update only refs/heads/contrib/16-nilufer"), r.stderr)
        XCTAssertEqual(try git(["rev-parse", "contrib/34-kadikoy"], in: central), tip)
        // A key gitolite does not know is not let in at all.
        r = try cliPush(a, as: "stranger", "work:refs/heads/contrib/34-kadikoy")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(try git(["rev-parse", "contrib/34-kadikoy"], in: central), tip)

        // The hook's refusal, through gitolite, reaches the staff through sync.
        try git(["checkout", "-q", "main"], in: a)
        try git(["config", "gpmsync.sshKey", gitolite.ssh.key("mehmet")], in: a)
        try write(Tables.residents([("SYR", "F", 101)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        let refused = try gpm(["sync"], in: a)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("mehmet may update only refs/heads/contrib/16-nilufer"), refused.stderr)
        XCTAssertEqual(try git(["rev-parse", "contrib/34-kadikoy"], in: central), tip)
    }

    func testProcessReviewApproveAndTheOtherMunicipalityReceives() throws {
        let a = try clone("a", "34-kadikoy", "ayse")
        let n = try clone("n", "16-nilufer", "mehmet")
        try write(Tables.residents([("SYR", "F", 100), ("SYR", "M", 80)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        try gpm(["sync"], in: a).check()

        // On the server, as the gitolite hosting user: intake.
        let processed = try gpm(["central", "process", "--central", central, "--format", "json"]).check()
        XCTAssertTrue(processed.stdout.contains("\"state\" : \"received\""), processed.stdout)

        // The reviewer over gitolite with her key.
        let reviewer = try clone("reviewer", "34-kadikoy", "elif")
        let env = ["XDG_CACHE_HOME": dir.sub("cache")]
        try gpm(["review", "show", "34-kadikoy"], in: reviewer, env: env).check()
        try gpm(["review", "approve", "34-kadikoy"], in: reviewer, env: env).check()
        XCTAssertTrue(try git(["show", "main:municipalities/34-kadikoy/data/residents/2025Q1.csv"], in: central).contains("TP,SYR,M,ALL,80"))

        // Nilüfer receives Kadıköy's approved records; Kadıköy sees the outcome.
        try gpm(["sync"], in: n).check()
        XCTAssertTrue(try String(contentsOfFile: n + "/municipalities/34-kadikoy/data/residents/2025Q1.csv", encoding: .utf8)
            .contains("TP,SYR,M,ALL,80"))
        try gpm(["sync"], in: a).check()
        XCTAssertTrue(try gpm(["status"], in: a).check().stdout.contains("approved (elif)"))
    }
}
