import Foundation
import TestSupport
import XCTest

/// The reviewer's decisions: exactly the tip that was seen, never on data already in `main`, and never from
/// a stale or shared cache.
final class ReviewGuardTests: XCTestCase {
    var fx: Fixture!
    var home: String!

    // XCTest keeps every test case object until the run ends: stop this one's servers now.
    override func tearDown() { fx = nil }

    override func setUpWithError() throws {
        fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("elif", "reviewer", nil)])
        home = fx.dir.sub("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let clone = try fx.clone("k", org: "34-kadikoy", user: "ayse")
        try fx.write(clone, "municipalities/34-kadikoy/data/residents/2025Q1.csv", Tables.residents([("SYR", "F", 100)]))
        try fx.gpmsync(["sync"], in: clone).check()
    }

    /// The reviewer's command, over the URL, with a home of its own (no XDG_CACHE_HOME).
    func review(_ args: [String]) throws -> ProcessResult {
        try TestSupport.run(gpmsyncBinary, ["review"] + args + ["--central", fx.url("elif"), "--user", "elif"], in: home,
                environment: ["HOME": home, "XDG_CACHE_HOME": "", "LANG": "C"])
    }

    var tip: String { get throws { try git(["rev-parse", "contrib/34-kadikoy"], in: fx.central) } }

    func testEveryDecisionNeedsTheFullTipThatWasSeen() throws {
        let tip = try self.tip
        for args in [["approve", "34-kadikoy", "--tip", ""], ["approve", "34-kadikoy", "--tip", String(tip.prefix(1))],
                     ["reject", "34-kadikoy", "--reason", "no"], ["has-issues", "34-kadikoy", "--reason", "fix"],
                     ["reject", "34-kadikoy", "--reason", "no", "--tip", String(tip.prefix(12))]] {
            let r = try review(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stdout) \(r.stderr)")
        }
        XCTAssertNil(try? git(["notes", "--ref=gpmsync-review", "show", tip], in: fx.central), "a decision was written")
        // The tip remembered from `show` is enough.
        try review(["show", "34-kadikoy"]).check()
        try review(["has-issues", "34-kadikoy", "--reason", "check the counts"]).check()
        XCTAssertTrue(try git(["notes", "--ref=gpmsync-review", "show", tip], in: fx.central).contains("has_issues"))
    }

    func testDataAlreadyInMainCannotBeSentBack() throws {
        let tip = try self.tip
        try review(["approve", "34-kadikoy", "--tip", tip]).check()
        let r = try review(["reject", "34-kadikoy", "--reason", "changed my mind", "--tip", tip])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("already in main"), r.stderr)
        XCTAssertTrue(try git(["notes", "--ref=gpmsync-review", "show", tip], in: fx.central).contains("\"state\":\"approved\""))
    }

    func testTheCacheFollowsTheCentralAndItsHome() throws {
        let tip = try self.tip
        let list = try review(["list"])
        XCTAssertTrue(list.stdout.contains("34-kadikoy"), list.stdout)
        let caches = try FileManager.default.contentsOfDirectory(atPath: home + "/.cache/gpmsync/central")
        XCTAssertEqual(caches.count, 1, "the cache is not under $HOME/.cache: \(caches)")
        // The branch is deleted on the central: the cache forgets it.
        try git(["update-ref", "-d", "refs/heads/contrib/34-kadikoy"], in: fx.central)
        let after = try review(["list"])
        XCTAssertFalse(after.stdout.contains("34-kadikoy"), after.stdout)
        XCTAssertNotEqual(try review(["approve", "34-kadikoy", "--tip", tip]).status, 0)
        XCTAssertNotEqual(try TestSupport.run("/usr/bin/git", ["merge-base", "--is-ancestor", tip, "main"], in: fx.central).status, 0)
        // A URL that differs only in punctuation is another central, with a cache of its own.
        _ = try TestSupport.run(gpmsyncBinary, ["review", "list", "--central", fx.url("elif").replacingOccurrences(of: "central.git", with: "central_git"), "--user", "elif"],
                    in: home, environment: ["HOME": home, "XDG_CACHE_HOME": "", "LANG": "C"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home + "/.cache/gpmsync/central").count, 2)
    }
}
