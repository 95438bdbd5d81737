import Foundation
import TestSupport
import XCTest

/// The staff's page of `gpmsync daemon --http` on a real clone with two recorded conflicts (two laptops of
/// one municipality changed the same two cells) and a file held back (Excel's Turkish CSV): its security
/// over raw HTTP (Browser/staff_http_test.py, Python's standard library only), and what a person does in
/// Debian's chromium driven by Playwright (Browser/staff_browser_test.py), checked with the git CLI.
final class StaffPageTests: XCTestCase {
    var fx: Fixture!
    var daemon: ServerProcess?

    override func tearDown() {
        daemon?.stop()
        daemon = nil
        fx = nil
    }

    static let conflicted = "municipalities/34-kadikoy/data/residents/2024Q3.csv"
    static let excel = "municipalities/34-kadikoy/data/residents/2024Q2.csv"

    /// Returns the clone the daemon watches and the daemon's port, once its first sync has ended.
    func setUpDaemon() throws -> (clone: String, port: UInt16) {
        fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy")])
        let a = try fx.clone("a", org: "34-kadikoy", user: "ayse")
        let b = try fx.clone("b", org: "34-kadikoy", user: "ayse")
        try fx.write(a, Self.conflicted, Tables.residents([("SYR", "F", 100), ("SYR", "M", 80), ("AFG", "F", 20)]))
        try fx.gpmsync(["sync"], in: a).check()
        try fx.gpmsync(["sync"], in: b).check()
        try fx.write(b, Self.conflicted, Tables.residents([("SYR", "F", 110), ("SYR", "M", 90), ("AFG", "F", 20)]))
        try fx.gpmsync(["sync"], in: b).check()
        try fx.write(a, Self.conflicted, Tables.residents([("SYR", "F", 105), ("SYR", "M", 85), ("AFG", "F", 20)]))
        let conflicting = try fx.gpmsync(["sync"], in: a)
        XCTAssertEqual(conflicting.status, 4, conflicting.stdout + conflicting.stderr)
        try TestSupport.run("python3", ["-c", #"""
            import sys
            rows = [["legal_status","nationality","sex","age_group","count","source","missing_reason","comment"],
                    ["TP","IRQ","F","ALL","1.250","admin_register","","Üsküdar'dan gelenler"],
                    ["TP","IRQ","M","ALL","980","admin_register","",""]]
            with open(sys.argv[1], "w", encoding="cp1254", newline="") as f:
                for r in rows: f.write(";".join(r) + "\r\n")
            """#, a + "/" + Self.excel]).check()
        try git(["config", "gpmsync.debounce", "0.3"], in: a)
        try git(["config", "gpmsync.interval", "3600"], in: a)
        daemon = try ServerProcess(gpmsyncBinary, environment: ["LANG": "C"]) { port in
            ["daemon", "--http", "127.0.0.1:\(port)", "--repo", a]
        }
        let activity = a + "/.git/gpmsync/activity.json"
        let before = syncsLogged(activity)
        XCTAssertTrue(waitUntil(timeout: .seconds(60)) { syncsLogged(activity) > before }, "the daemon's first sync")
        return (a, daemon!.port)
    }

    func syncsLogged(_ file: String) -> Int {
        guard let data = FileManager.default.contents(atPath: file),
              let list = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return 0 }
        return list.count
    }

    func testTheStaffPageRefusesForeignHostsAndFormsWithoutItsTokenAndNoGETChangesAnything() throws {
        let (clone, port) = try setUpDaemon()
        let r = try TestSupport.run("python3", [packageRoot + "/Tests/GPMWebTests/Browser/staff_http_test.py"], environment: [
            "GPMSYNC_PORT": "\(port)", "GPMSYNC_CLONE": clone, "GPMSYNC_CONFLICTED": Self.conflicted, "GPMSYNC_EXCEL": Self.excel,
        ])
        print(r.stdout)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    }

    func testStaffSettleConflictsConvertAFileAndSyncInABrowser() throws {
        let haveBrowser = FileManager.default.fileExists(atPath: "/usr/bin/chromium")
            && (try? TestSupport.run("python3", ["-c", "import playwright"]).status) == 0
        if !haveBrowser {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("chromium or Playwright for Python is missing: run scripts/setup.sh --tests") }
            throw XCTSkip("chromium or Playwright for Python is missing (scripts/setup.sh --tests installs them)")
        }
        let (clone, port) = try setUpDaemon()
        let screenshots = ProcessInfo.processInfo.environment["GPMSYNC_SCREENSHOTS"] ?? NSTemporaryDirectory() + "gpmsync-staff-screenshots"
        let r = try TestSupport.run("python3", [packageRoot + "/Tests/GPMWebTests/Browser/staff_browser_test.py"], environment: [
            "GPMSYNC_URL": "http://127.0.0.1:\(port)", "GPMSYNC_CLONE": clone, "GPMSYNC_CENTRAL": fx.central,
            "GPMSYNC_CONFLICTED": Self.conflicted, "GPMSYNC_EXCEL": Self.excel, "GPMSYNC_SCREENSHOTS": screenshots,
        ])
        print(r.stdout)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    }
}
