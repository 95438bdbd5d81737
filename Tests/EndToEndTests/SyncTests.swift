import Foundation
import TestSupport
import XCTest

/// Offline-first sync over `git daemon` on loopback, with the git CLI as a second client.
final class SyncTests: XCTestCase {
    let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
    let services = "municipalities/34-kadikoy/data/services/2025-03.csv"
    let nilufer = "municipalities/16-nilufer/data/residents/2025Q1.csv"

    func makeFixture() throws -> Fixture {
        try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("ali", "municipality", "34-kadikoy"),
                            ("mehmet", "municipality", "16-nilufer"), ("elif", "reviewer", nil)])
    }

    /// Two municipalities and a second laptop of one of them edit while offline, then sync in every order:
    /// every record reaches its branch on central, nothing is lost, nothing conflicts.
    func testOfflineEditsThenSyncInEveryOrder() throws {
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
        for order in orders {
            let f = try makeFixture()
            let clones = [try f.clone("a", org: "34-kadikoy", user: "ayse"), try f.clone("b", org: "34-kadikoy", user: "ali"),
                          try f.clone("n", org: "16-nilufer", user: "mehmet")]
            // A first shared version of Kadıköy's table, so both laptops edit the same rows.
            try f.write(clones[0], residents, Tables.residents([("SYR", "F", 100), ("SYR", "M", 90), ("AFG", "F", 10)]))
            try f.gpmsync(["sync"], in: clones[0]).check()
            try f.gpmsync(["sync"], in: clones[1]).check()
            for user in ["ayse", "ali", "mehmet"] { f.stopServer(user) }
            // Offline: laptop A changes SYR/F, laptop B changes SYR/M and adds a services table; Nilüfer adds its table.
            try f.write(clones[0], residents, Tables.residents([("SYR", "F", 101), ("SYR", "M", 90), ("AFG", "F", 10)]))
            try f.write(clones[1], residents, Tables.residents([("SYR", "F", 100), ("SYR", "M", 92), ("AFG", "F", 10)]))
            try f.write(clones[1], services, Tables.servicesHeader + "education,TP,SYR,F,ALL,10,12,service_log,,\n")
            try f.write(clones[2], nilufer, Tables.residents([("IRQ", "F", 40)]))
            for c in clones {
                let r = try f.gpmsync(["sync"], in: c)
                XCTAssertEqual(r.status, 3, "offline sync must exit 3: \(r.stderr)")
                let status = try f.gpmsync(["status", "--format", "json"], in: c)
                let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
                XCTAssertEqual(json["state"] as? String, "offline")
                XCTAssertGreaterThan(((json["outbox"] as? [String: Any])?["files"] as? [Any])?.count ?? 0, 0)
            }
            for user in ["ayse", "ali", "mehmet"] { try f.startServer(user) }
            for i in order { try f.gpmsync(["sync"], in: clones[i]).check() }
            // A second round lets the first of the two laptops receive the other's submission.
            for i in order { try f.gpmsync(["sync"], in: clones[i]).check() }
            let kadikoy = try XCTUnwrap(f.centralFile("contrib/34-kadikoy", residents), "order \(order)")
            XCTAssertTrue(kadikoy.contains("TP,SYR,F,ALL,101"), "order \(order): \(kadikoy)")
            XCTAssertTrue(kadikoy.contains("TP,SYR,M,ALL,92"), "order \(order): \(kadikoy)")
            XCTAssertNotNil(f.centralFile("contrib/34-kadikoy", services), "order \(order)")
            XCTAssertNotNil(f.centralFile("contrib/16-nilufer", nilufer), "order \(order)")
            XCTAssertNil(f.centralFile("contrib/16-nilufer", residents), "a branch carries only its own municipality's records")
            for c in clones.prefix(2) {
                let local = try String(contentsOfFile: c + "/" + residents, encoding: .utf8)
                XCTAssertTrue(local.contains("TP,SYR,F,ALL,101") && local.contains("TP,SYR,M,ALL,92"), "order \(order): \(local)")
            }
            try git(["fsck", "--strict"], in: f.central)
            for c in clones { try git(["fsck", "--strict"], in: c) }
        }
    }

    func testConflictIsRecordedNeverLostAndResolved() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let b = try f.clone("b", org: "34-kadikoy", user: "ali")
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        try f.gpmsync(["sync"], in: a).check()
        try f.gpmsync(["sync"], in: b).check()
        try f.write(a, residents, Tables.residents([("SYR", "F", 111)]))
        try f.write(b, residents, Tables.residents([("SYR", "F", 122)]))
        try f.gpmsync(["sync"], in: a).check()
        let second = try f.gpmsync(["sync"], in: b)
        XCTAssertEqual(second.status, 4, second.stdout + second.stderr)
        // The file keeps the local value; the other is recorded.
        XCTAssertTrue(try String(contentsOfFile: b + "/" + residents, encoding: .utf8).contains("TP,SYR,F,ALL,122"))
        let listed = try f.gpmsync(["conflicts", "--format", "json"], in: b)
        let conflicts = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(conflicts.count, 1)
        XCTAssertEqual(conflicts.first?["ours"] as? String, "122")
        XCTAssertEqual(conflicts.first?["oursLabel"] as? String, "local")
        XCTAssertEqual(conflicts.first?["theirs"] as? String, "111")
        XCTAssertEqual(conflicts.first?["theirsLabel"] as? String, "central")
        XCTAssertEqual(conflicts.first?["ancestor"] as? String, "100")
        let validate = try f.gpmsync(["validate", "--format", "json"], in: b)
        XCTAssertEqual(validate.status, 1)
        let report = try JSONSerialization.jsonObject(with: Data(validate.stdout.utf8)) as? [String: Any]
        XCTAssertTrue((report?["diagnostics"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "conflict" }, validate.stdout)
        // Unresolved, it is not submitted.
        XCTAssertTrue(f.centralFile("contrib/34-kadikoy", residents)?.contains("111") ?? false)
        try f.gpmsync(["resolve", residents, "--value", "TP|SYR|F|ALL/count=120"], in: b).check()
        try f.gpmsync(["sync"], in: b).check()
        XCTAssertTrue(f.centralFile("contrib/34-kadikoy", residents)?.contains("TP,SYR,F,ALL,120") ?? false)
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertTrue(try String(contentsOfFile: a + "/" + residents, encoding: .utf8).contains("TP,SYR,F,ALL,120"))
        XCTAssertEqual(try f.gpmsync(["conflicts"], in: b).status, 0)
    }

    func testOneInvalidFileDoesNotHoldBackTheOthersAndPersonalDataIsNeverCommitted() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        try f.write(a, services, Tables.servicesHeader + "education,TP,SYR,F,ALL,ten,12,service_log,,\n")
        let pii = "municipalities/34-kadikoy/data/residents/2025Q2.csv"
        try f.write(a, pii, Tables.residents([("SYR", "F", 100)]) + "TP,IRQ,F,ALL,7,admin_register,,TCKN 10000000146\n")
        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("pii-tckn"), r.stdout)
        XCTAssertTrue(r.stdout.contains("type-error"), r.stdout)
        XCTAssertNotNil(f.centralFile("contrib/34-kadikoy", residents))
        XCTAssertNil(f.centralFile("contrib/34-kadikoy", services), "the invalid file stays local")
        XCTAssertNil(f.centralFile("contrib/34-kadikoy", pii))
        // The invalid file is committed locally; the one with personal data is not, anywhere in history.
        XCTAssertEqual(try git(["log", "--format=%H", "--", services], in: a).isEmpty, false)
        XCTAssertEqual(try git(["log", "--all", "--format=%H", "--", pii], in: a), "")
        XCTAssertEqual(try git(["status", "--porcelain", pii], in: a), "?? \(pii)")
        // Fixed, it goes out on the next sync.
        try f.write(a, services, Tables.servicesHeader + "education,TP,SYR,F,ALL,10,12,service_log,,\n")
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertNotNil(f.centralFile("contrib/34-kadikoy", services))
    }

    func testTheGitCLIWorksBesideGpmsync() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        // Staff who know git commit by hand; the pre-commit hook validates what they stage.
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        try git(["add", residents], in: a)
        try git(["commit", "-q", "-m", "by hand"], in: a)
        // A file staged by hand and not committed is recorded by gpmsync's commit: the index is not HEAD's
        // then, and the commit step must compare HEAD with it, not only the index with the working tree.
        let staged = "municipalities/34-kadikoy/data/residents/2024Q4.csv"
        try f.write(a, staged, Tables.residents([("SYR", "F", 90)]))
        try git(["add", staged], in: a)
        try f.gpmsync(["commit"], in: a).check()
        XCTAssertTrue(try git(["show", "--stat", "--format=", "HEAD"], in: a).contains("2024Q4.csv"))
        XCTAssertEqual(try git(["status", "--porcelain"], in: a), "")
        try f.write(a, services, Tables.servicesHeader + "education,TP,SYR,F,ALL,x,12,service_log,,\n")
        try git(["add", services], in: a)
        XCTAssertThrowsError(try git(["commit", "-q", "-m", "invalid"], in: a), "the pre-commit hook refuses an invalid file")
        try git(["reset", "-q", services], in: a)
        try FileManager.default.removeItem(atPath: a + "/" + services)
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertNotNil(f.centralFile("contrib/34-kadikoy", residents))
        // A git CLI clone of central reads everything gpmsync wrote, notes included.
        try git(["clone", "-q", f.url("elif"), f.dir.sub("cli")])
        try git(["fetch", "-q", "origin", "refs/notes/*:refs/notes/*"], in: f.dir.sub("cli"))
        XCTAssertTrue(try git(["branch", "-r"], in: f.dir.sub("cli")).contains("origin/contrib/34-kadikoy"))
        // And a push by the git CLI as another municipality's user into Kadıköy's branch is refused.
        try git(["checkout", "-q", "-b", "x", "origin/contrib/34-kadikoy"], in: f.dir.sub("cli"))
        try write("tampered\n", to: f.dir.sub("cli/municipalities/34-kadikoy/profile.yaml"))
        try git(["commit", "-q", "-am", "tamper"], in: f.dir.sub("cli"))
        let push = try TestSupport.run("/usr/bin/git", ["push", f.url("mehmet"), "x:refs/heads/contrib/34-kadikoy"], in: f.dir.sub("cli"))
        XCTAssertNotEqual(push.status, 0)
        XCTAssertTrue(push.stderr.contains("may update only refs/heads/contrib/16-nilufer"), push.stderr)
    }
}
