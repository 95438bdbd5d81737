import Foundation
import TestSupport
import XCTest

/// GPM's side over smart HTTP with TLS: lighttpd on loopback runs `git http-backend` behind basic
/// authentication, so the pre-receive hook learns the pusher from `REMOTE_USER`. The certificate comes from
/// a test CA; clones trust it through `gpmsync.caFile` and nothing else.
final class CentralOverHTTPSTests: XCTestCase {
    var dir: TemporaryDirectory!
    var ca: TestCertificateAuthority!
    var server: SmartHTTPServer!
    let tokens = ["ayse": "tok-ayse-7f3a9c", "mehmet": "tok-mehmet-2b8e41", "elif": "tok-elif-c05d77"]
    var central: String { dir.sub("srv/central.git") }
    var url: String { server.url("central.git") }

    override func setUpWithError() throws {
        dir = TemporaryDirectory("gpmsync-https")
        try gpm(["central", "init", central]).check()
        for (u, role, org) in [("ayse", "municipality", "34-kadikoy"), ("mehmet", "municipality", "16-nilufer"),
                               ("elif", "reviewer", "")] {
            try gpm(["central", "grant", u, "--role", role, "--central", central] + (org.isEmpty ? [] : ["--org-unit", org])).check()
        }
        ca = try TestCertificateAuthority(directory: dir.sub("ca"))
        server = try SmartHTTPServer(directory: dir.sub("http"), base: dir.sub("srv"), users: tokens,
                                     certificate: try ca.serverCertificate(host: "localhost"))
        for (user, token) in tokens { try write(token + "\n", to: tokenFile(user), mode: 0o600) }
    }

    override func tearDown() { server?.stop() }

    func tokenFile(_ user: String) -> String { dir.sub("\(user).token") }

    @discardableResult
    func gpm(_ args: [String], in d: String? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        try TestSupport.run(gpmsyncBinary, args, in: d, environment: env.merging(["LANG": "C"], uniquingKeysWith: { a, _ in a }))
    }

    func initArguments(_ path: String, _ org: String, _ user: String, url: String? = nil, caFile: String? = nil) -> [String] {
        ["init", path, "--org-unit", org, "--central", url ?? self.url, "--user", user, "--token-file", tokenFile(user),
         "--ca-file", caFile ?? ca.certificate]
    }

    func clone(_ name: String, _ org: String, _ user: String) throws -> String {
        let path = dir.sub(name)
        try gpm(initArguments(path, org, user)).check()
        return path
    }

    /// Everything a command printed, for the check that no token ever appears in it.
    func assertNoToken(_ results: [ProcessResult], file: StaticString = #filePath, line: UInt = #line) {
        for r in results {
            for token in tokens.values {
                XCTAssertFalse(r.stdout.contains(token) || r.stderr.contains(token), "a token was shown", file: file, line: line)
            }
        }
    }

    func testCloneSyncAndTheHookKnowsThePusherFromRemoteUser() throws {
        let a = try clone("a", "34-kadikoy", "ayse")
        let n = try clone("n", "16-nilufer", "mehmet")
        XCTAssertEqual(try git(["config", "gpmsync.caFile"], in: a), ca.certificate)
        try write(Tables.residents([("SYR", "F", 100), ("SYR", "M", 80)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        let synced = try gpm(["sync"], in: a).check()
        let tip = try git(["rev-parse", "contrib/34-kadikoy"], in: central)

        // Kadıköy's clone with Nilüfer's name and token: the server decides by REMOTE_USER, and says so.
        try git(["config", "gpmsync.tokenFile", tokenFile("mehmet")], in: a)
        try git(["config", "gpmsync.user", "mehmet"], in: a)
        try write(Tables.residents([("SYR", "F", 101), ("SYR", "M", 80)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        let refused = try gpm(["sync"], in: a)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("mehmet may update only refs/heads/contrib/16-nilufer"), refused.stderr)
        XCTAssertEqual(try git(["rev-parse", "contrib/34-kadikoy"], in: central), tip)
        try git(["config", "gpmsync.tokenFile", tokenFile("ayse")], in: a)
        try git(["config", "gpmsync.user", "ayse"], in: a)

        // Intake, a reviewer's approval over https, and Nilüfer receives.
        try gpm(["central", "process", "--central", central]).check()
        let reviewer = try clone("reviewer", "34-kadikoy", "elif")
        let env = ["XDG_CACHE_HOME": dir.sub("cache")]
        let shown = try gpm(["review", "show", "34-kadikoy"], in: reviewer, env: env).check()
        let approved = try gpm(["review", "approve", "34-kadikoy"], in: reviewer, env: env).check()
        let received = try gpm(["sync"], in: n).check()
        XCTAssertTrue(try String(contentsOfFile: n + "/municipalities/34-kadikoy/data/residents/2025Q1.csv", encoding: .utf8)
            .contains("TP,SYR,M,ALL,80"))
        // The git CLI agrees: the branch holds what the clone sent.
        let cli = try git(["ls-remote", server.url("central.git", user: "elif", token: tokens["elif"]!)],
                          environment: ["GIT_SSL_CAINFO": ca.certificate])
        XCTAssertTrue(cli.contains(tip + "\trefs/heads/contrib/34-kadikoy"), cli)
        assertNoToken([synced, refused, shown, approved, received])
        for clone in [a, n, reviewer] {
            let config = try String(contentsOfFile: clone + "/.git/config", encoding: .utf8)
            XCTAssertFalse(tokens.values.contains { config.contains($0) }, "a token was stored in \(clone)/.git/config")
        }
    }

    func testAWrongTokenOrAnOpenTokenFileIsRefusedWithoutShowingIt() throws {
        let a = try clone("a", "34-kadikoy", "ayse")
        try write("not-the-token-91ab\n", to: tokenFile("ayse"), mode: 0o600)
        try write(Tables.residents([("SYR", "F", 100)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        let wrong = try gpm(["sync"], in: a)
        XCTAssertEqual(wrong.status, 1, "a refused token is not 'offline': \(wrong.stderr)")
        XCTAssertTrue(wrong.stderr.contains("did not accept this computer's credentials"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("not-the-token-91ab") || wrong.stdout.contains("not-the-token-91ab"))
        let status = try gpm(["status"], in: a)
        XCTAssertFalse(status.stdout.contains("not-the-token-91ab"), status.stdout)

        chmod(tokenFile("ayse"), 0o644)
        let open = try gpm(["sync"], in: a)
        XCTAssertEqual(open.status, 1, open.stderr)
        XCTAssertTrue(open.stderr.contains("must have mode 0600"), open.stderr)
        XCTAssertFalse(open.stderr.contains("not-the-token-91ab"))
        assertNoToken([wrong, status, open])
    }

    func testACertificateThatCannotBeVerifiedIsRefusedNotOffline() throws {
        // Another authority than the one that signed the server's certificate.
        let other = try TestCertificateAuthority(directory: dir.sub("other-ca"), name: "Someone else")
        var r = try gpm(initArguments(dir.sub("wrong-ca"), "34-kadikoy", "ayse", caFile: other.certificate))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("the TLS certificate of localhost was refused: it is not signed by an authority gpmsync trusts"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.sub("wrong-ca")))

        // No caFile: the system's store, which does not hold the test CA.
        r = try gpm(["init", dir.sub("system"), "--org-unit", "34-kadikoy", "--central", url, "--user", "ayse",
                     "--token-file", tokenFile("ayse")])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("not signed by an authority gpmsync trusts"), r.stderr)

        // The right authority, the wrong name: 127.0.0.1 is not the certificate's `localhost`.
        r = try gpm(initArguments(dir.sub("wrong-host"), "34-kadikoy", "ayse", url: server.url("central.git", host: "127.0.0.1")))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("it names another host than 127.0.0.1"), r.stderr)

        // An expired certificate from the right authority.
        let expired = try SmartHTTPServer(directory: dir.sub("http-expired"), base: dir.sub("srv"), users: tokens,
                                          certificate: try ca.serverCertificate(host: "localhost", expired: true))
        defer { expired.stop() }
        r = try gpm(initArguments(dir.sub("expired"), "34-kadikoy", "ayse", url: expired.url("central.git")))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("it has expired or is not valid yet"), r.stderr)

        // A clone whose server later shows a certificate it cannot verify: sync says so, exit 1, not offline.
        let a = try clone("a", "34-kadikoy", "ayse")
        try git(["config", "remote.central.url", expired.url("central.git")], in: a)
        r = try gpm(["sync"], in: a)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("could not be verified"), r.stderr)
        XCTAssertFalse(try gpm(["status"], in: a).stdout.contains("state: offline"))
        assertNoToken([r])
    }

    func testProgressIsShownWhenAskedAndQuietOtherwise() throws {
        let quiet = try gpm(initArguments(dir.sub("quiet"), "34-kadikoy", "ayse")).check()
        XCTAssertFalse(quiet.stderr.contains("Checking out files"), quiet.stderr)
        let shown = try gpm(initArguments(dir.sub("shown"), "34-kadikoy", "ayse") + ["--progress"]).check()
        XCTAssertTrue(shown.stderr.contains("Receiving objects: 100%"), shown.stderr)
        XCTAssertTrue(shown.stderr.contains("Indexing objects: 100%"), shown.stderr)
        XCTAssertTrue(shown.stderr.contains("Checking out files: 100%"), shown.stderr)
        let turkish = try gpm(initArguments(dir.sub("tr"), "34-kadikoy", "ayse") + ["--progress", "--lang", "tr"]).check()
        XCTAssertTrue(turkish.stderr.contains("Nesneler alınıyor: 100%"), turkish.stderr)
    }
}
