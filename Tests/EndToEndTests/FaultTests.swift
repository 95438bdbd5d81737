import Foundation
import TestSupport
import XCTest

/// Whatever the network or the machine does, nothing a user wrote is lost.
final class FaultTests: XCTestCase {
    let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"

    func makeFixture() throws -> Fixture {
        try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("elif", "reviewer", nil), ("admin", "admin", nil)])
    }

    /// A table whose content does not compress away, so its pack is large.
    func bigTable(_ rows: Int, seed: Int) -> String {
        let nationalities = ["SYR", "AFG", "IRQ", "IRN", "UZB", "TKM", "PAK", "UKR", "RUS", "AZE"]
        let ages = ["0-4", "5-9", "10-14", "15-18", "19-24", "25-29", "30-34", "35-39", "40-44", "45-49"]
        var lines: [String] = []
        var x = UInt64(seed + 1)
        for n in nationalities { for s in ["F", "M"] { for a in ages {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            lines.append("TP,\(n),\(s),\(a),\(x % 9000 + 5),admin_register,,note \(x % 1_000_003) \(x >> 40)")
        } } }
        return Tables.residentsHeader + lines.prefix(rows).joined(separator: "\n") + "\n"
    }

    func testSilentServerDoesNotHangSync() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let silent = try startSilentListener()
        try git(["config", "remote.central.url", "git://127.0.0.1:\(silent.port)/central.git"], in: a)
        try git(["config", "gpmsync.timeout", "2"], in: a)
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("all work is kept on this computer"), r.stderr)
        XCTAssertNotEqual(try git(["log", "--format=%s", "-1"], in: a), "", "the edit was committed locally")
        XCTAssertTrue(try git(["show", "HEAD:\(residents)"], in: a).contains("TP,SYR,F,ALL,100"))
    }

    func testConnectionDroppedMidPackInBothDirections() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let port = f.port("ayse")
        // Upload cut after 4 KiB of a much larger pack.
        try f.write(a, residents, bigTable(200, seed: 1))
        let up = try startCuttingProxy(target: port, limit: 4096, direction: "up")
        try git(["config", "remote.central.url", "git://127.0.0.1:\(up.port)/central.git"], in: a)
        let r1 = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r1.status, 3, r1.stdout + r1.stderr)
        XCTAssertNil(f.centralFile("contrib/34-kadikoy", residents))
        try git(["fsck", "--strict"], in: a)
        try git(["fsck", "--strict"], in: f.central)
        // Download cut: an admin puts a large change on main that the clone must fetch.
        let admin = f.dir.sub("admin")
        try git(["clone", "-q", f.url("admin"), admin])
        try write(bigTable(200, seed: 2).replacingOccurrences(of: "TP,", with: "IP_APPLICANT,"), to: admin + "/municipalities/16-nilufer/data/residents/2025Q1.csv")
        try git(["add", "-A"], in: admin)
        try git(["commit", "-q", "--no-verify", "-m", "big"], in: admin)
        try git(["push", "-q", "origin", "HEAD:main"], in: admin)
        let down = try startCuttingProxy(target: port, limit: 4096, direction: "down")
        try git(["config", "remote.central.url", "git://127.0.0.1:\(down.port)/central.git"], in: a)
        let r2 = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r2.status, 3, r2.stdout + r2.stderr)
        try git(["fsck", "--strict"], in: a)
        // The network comes back: everything arrives, nothing was lost on the way.
        try git(["config", "remote.central.url", f.url("ayse")], in: a)
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertEqual(f.centralFile("contrib/34-kadikoy", residents)?.split(separator: "\n").count, 201)
        XCTAssertTrue(FileManager.default.fileExists(atPath: a + "/municipalities/16-nilufer/data/residents/2025Q1.csv"))
    }

    /// kill -9 at random instants of sync, 50 times, each after a new edit: the repository stays sound,
    /// the next sync brings it right, no record is lost and no submission is made twice.
    func testKillNineDuringSyncLosesNothing() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        var rows: [(String, String, Int)] = []
        let nationalities = ["SYR", "AFG", "IRQ", "IRN", "UZB", "TKM", "PAK", "UKR", "RUS", "AZE", "GEO", "EGY", "SOM"]
        let ages = ["0-4", "5-9", "10-14", "15-18"]
        var generator = SplitMix(state: 0x6B11_1E9)
        var killed = 0
        for i in 0..<50 {
            rows.append((nationalities[i % nationalities.count], ages[i / nationalities.count], 10 + i))
            try f.write(a, residents, Tables.residentsHeader + rows.map { "TP,\($0.0),F,\($0.1),\($0.2),admin_register,," }.joined(separator: "\n") + "\n")
            let pid = try spawn(gpmsyncBinary, ["sync"], in: a)
            usleep(UInt32.random(in: 0...250_000, using: &generator))
            kill(pid, SIGKILL)
            // Counted from the reaped status: kill() also succeeds on a child that has exited but is unreaped.
            if reap(pid) == 128 + SIGKILL { killed += 1 }
            try git(["fsck", "--strict", "--no-dangling"], in: a)
        }
        XCTAssertGreaterThanOrEqual(killed, 25, "most runs must actually be killed mid-way")
        try f.gpmsync(["sync"], in: a).check()
        try git(["fsck", "--strict"], in: a)
        try git(["fsck", "--strict"], in: f.central)
        let submitted = try XCTUnwrap(f.centralFile("contrib/34-kadikoy", residents))
        for (n, age, c) in rows { XCTAssertTrue(submitted.contains("TP,\(n),F,\(age),\(c),"), "lost \(n) \(age)") }
        // No submission twice: consecutive submissions always differ in what they carry.
        let chain = try git(["rev-list", "--first-parent", "contrib/34-kadikoy", "--not", "main"], in: f.central).split(separator: "\n")
        for (newer, older) in zip(chain, chain.dropFirst()) {
            XCTAssertNotEqual(try git(["rev-parse", "\(newer):municipalities/34-kadikoy"], in: f.central),
                              try git(["rev-parse", "\(older):municipalities/34-kadikoy"], in: f.central))
        }
        XCTAssertEqual(try git(["status", "--porcelain"], in: a), "")
    }

    func testStaleIndexLockIsRecoveredAndALiveOneIsWaitedFor() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        // Left by a crashed process: nobody is working here.
        try write("", to: a + "/.git/index.lock")
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        try f.gpmsync(["commit"], in: a).check()
        XCTAssertFalse(FileManager.default.fileExists(atPath: a + "/.git/index.lock"))
        // A live git process holding the lock (update-index keeps it until its input ends): gpmsync waits
        // for it rather than steal it, and both changes end up recorded.
        try write("org_unit: 34-kadikoy\nname: Kadıköy\ncontact:\n  unit: Göç\n", to: a + "/municipalities/34-kadikoy/profile.yaml")
        let blob = try git(["hash-object", "-w", "municipalities/34-kadikoy/profile.yaml"], in: a)
        let holder = try LiveGit(["update-index", "--index-info"], in: a)
        XCTAssertTrue(waitUntil { FileManager.default.fileExists(atPath: a + "/.git/index.lock") })
        try f.write(a, residents, Tables.residents([("SYR", "F", 101)]))
        let gpm = try spawn(gpmsyncBinary, ["commit"], in: a)
        XCTAssertEqual(try holder.finish(writing: "100644 \(blob)\tmunicipalities/34-kadikoy/profile.yaml\n"), 0, "git's lock was not stolen")
        XCTAssertEqual(reap(gpm), 0)
        XCTAssertTrue(try git(["show", "HEAD:\(residents)"], in: a).contains("TP,SYR,F,ALL,101"))
        XCTAssertTrue(try git(["show", "HEAD:municipalities/34-kadikoy/profile.yaml"], in: a).contains("Göç"))
        XCTAssertEqual(try git(["status", "--porcelain"], in: a), "")
    }
}
