import Foundation
import TestSupport
import XCTest

/// The daemon process itself: spawned, signalled, killed. Waiting polls a condition with a deadline.
final class DaemonTests: XCTestCase {
    let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"

    func setUpClone() throws -> (Fixture, String) {
        let f = try Fixture(users: [("ayse", "municipality", "34-kadikoy")])
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        try git(["config", "gpmsync.debounce", "0.2"], in: a)
        try git(["config", "gpmsync.interval", "1"], in: a)
        return (f, a)
    }

    /// Writes the way an editor does: a temporary file, then a rename over the target.
    func editorWrite(_ text: String, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = dir + "/.~lock.\((path as NSString).lastPathComponent)#"
        try Data(text.utf8).write(to: URL(fileURLWithPath: tmp))
        XCTAssertEqual(rename(tmp, path), 0)
    }

    func testAnEditorSaveReachesCentralAndASecondDaemonRefuses() throws {
        let (f, a) = try setUpClone()
        let daemon = try spawn(gpmsyncBinary, ["daemon"], in: a)
        defer { kill(daemon, SIGKILL); reap(daemon) }
        XCTAssertTrue(waitUntil { (try? String(contentsOfFile: a + "/.git/gpmsync/daemon.lock", encoding: .utf8)) == "\(daemon)\n" })
        let second = try f.gpmsync(["daemon"], in: a)
        XCTAssertEqual(second.status, 2)
        XCTAssertTrue(second.stderr.contains("another gpmsync daemon (pid \(daemon))"), second.stderr)
        try editorWrite(Tables.residents([("SYR", "F", 100)]), to: a + "/" + residents)
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { f.centralFile("contrib/34-kadikoy", self.residents)?.contains("TP,SYR,F,ALL,100") ?? false })
        // A new folder created after the daemon started is watched too.
        try editorWrite(Tables.servicesHeader + "education,TP,SYR,F,ALL,10,12,service_log,,\n",
                        to: a + "/municipalities/34-kadikoy/data/services/2025-03.csv")
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { f.centralFile("contrib/34-kadikoy", "municipalities/34-kadikoy/data/services/2025-03.csv") != nil })
        XCTAssertEqual(try git(["status", "--porcelain", "--ignored"], in: a), "", "temporaries never recorded nor left")
        kill(daemon, SIGTERM)
        XCTAssertEqual(reap(daemon), 0, "SIGTERM ends the daemon cleanly")
    }

    func testEditsPileUpOfflineAndLeaveWhenCentralReturns() throws {
        let (f, a) = try setUpClone()
        f.stopServer("ayse")
        let daemon = try spawn(gpmsyncBinary, ["daemon", "--http", "127.0.0.1:\(freePort())"], in: a)
        defer { kill(daemon, SIGKILL); reap(daemon) }
        try editorWrite(Tables.residents([("SYR", "F", 100)]), to: a + "/" + residents)
        func outboxFiles() -> Int {
            guard let r = try? f.gpmsync(["status", "--format", "json"], in: a),
                  let json = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else { return 0 }
            return ((json["outbox"] as? [String: Any])?["files"] as? [Any])?.count ?? 0
        }
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { outboxFiles() >= 1 && (try? git(["log", "--format=%s", "-1"], in: a))?.contains("residents") == true })
        try editorWrite(Tables.residents([("SYR", "F", 100), ("SYR", "M", 90)]), to: a + "/" + residents)
        try editorWrite(Tables.residents([("IRQ", "F", 40)]), to: a + "/municipalities/34-kadikoy/data/residents/2025Q2.csv")
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { outboxFiles() >= 2 })
        XCTAssertNil(f.centralFile("contrib/34-kadikoy", residents))
        try f.startServer("ayse")
        XCTAssertTrue(waitUntil(timeout: .seconds(60)) {
            (f.centralFile("contrib/34-kadikoy", self.residents)?.contains("TP,SYR,M,ALL,90") ?? false)
                && f.centralFile("contrib/34-kadikoy", "municipalities/34-kadikoy/data/residents/2025Q2.csv") != nil
        })
    }

    /// 20 kill -9 of the daemon at random instants, each after an edit: nothing is lost.
    func testKillNineOfTheDaemonLosesNothing() throws {
        let (f, a) = try setUpClone()
        var generator = SystemRandomNumberGenerator()
        var rows: [(String, String, Int)] = []
        let nationalities = ["SYR", "AFG", "IRQ", "IRN", "UZB", "TKM", "PAK", "UKR", "RUS", "AZE"]
        for i in 0..<20 {
            rows.append((nationalities[i % 10], ["F", "M"][i / 10], 20 + i))
            let daemon = try spawn(gpmsyncBinary, ["daemon"], in: a)
            try editorWrite(Tables.residents(rows), to: a + "/" + residents)
            usleep(UInt32.random(in: 0...600_000, using: &generator))
            kill(daemon, SIGKILL)
            reap(daemon)
        }
        let daemon = try spawn(gpmsyncBinary, ["daemon"], in: a)
        defer { kill(daemon, SIGKILL); reap(daemon) }
        // Up means holding the lock; an orphaned sync of a killed daemon may deliver the rows before that.
        XCTAssertTrue(waitUntil { (try? String(contentsOfFile: a + "/.git/gpmsync/daemon.lock", encoding: .utf8)) == "\(daemon)\n" })
        XCTAssertTrue(waitUntil(timeout: .seconds(60)) {
            guard let text = f.centralFile("contrib/34-kadikoy", self.residents) else { return false }
            return rows.allSatisfy { text.contains("TP,\($0.0),\($0.1),ALL,\($0.2),") }
        })
        kill(daemon, SIGTERM)
        XCTAssertEqual(reap(daemon), 0)
        try git(["fsck", "--strict", "--no-dangling"], in: a)
    }
}

final class DemoTests: XCTestCase {
    func testTheDemoTellsItsStoryAndEndsWithEveryoneHoldingTheAcceptedData() throws {
        let dir = TemporaryDirectory()
        let r = try TestSupport.run(gpmsyncBinary, ["demo", "--dir", dir.sub("Repos/demo")])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        for chapter in ["1. GPM creates", "offline", "identity number", "CONFLICT", "back online", "approved Kadıköy", "rejected Nilüfer"] {
            XCTAssertTrue(r.stdout.contains(chapter), chapter)
        }
        let demo = dir.sub("Repos/demo")
        XCTAssertTrue(try git(["show", "main:municipalities/34-kadikoy/data/residents/2025Q3.csv"], in: demo + "/central.git").contains("TP,SYR,F,ALL,1190"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: demo + "/karesi/municipalities/34-kadikoy/practices/gp-2025-01-women-language-course.md"))
        XCTAssertTrue(try git(["log", "--notes=gpmsync-review", "-1", "contrib/16-nilufer"], in: demo + "/central.git").contains("\"state\":\"rejected\""))
        try git(["fsck", "--strict"], in: demo + "/central.git")
        // Re-running starts clean.
        XCTAssertEqual(try TestSupport.run(gpmsyncBinary, ["demo", "--dir", demo]).status, 0)
    }
}
