import Foundation
import TestSupport
import XCTest

/// The console as a person uses it: `gpmsync serve` on a real central, Debian's chromium driven by
/// Playwright for Python (Browser/console_browser_test.py). `scripts/setup.sh --tests` installs both; a
/// machine without them skips the test, except in CI, where it fails.
final class BrowserTests: XCTestCase {
    var fx: Fixture!

    override func tearDown() { fx = nil }

    func testAReviewerWorksThroughTheConsoleInABrowser() throws {
        let haveBrowser = FileManager.default.fileExists(atPath: "/usr/bin/chromium")
            && (try? TestSupport.run("python3", ["-c", "import playwright"]).status) == 0
        if !haveBrowser {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("chromium or Playwright for Python is missing: run scripts/setup.sh --tests") }
            throw XCTSkip("chromium or Playwright for Python is missing (scripts/setup.sh --tests installs them)")
        }
        fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("bora", "municipality", "16-nilufer"), ("elif", "reviewer", nil)])
        let kadikoy = try fx.clone("k", org: "34-kadikoy", user: "ayse")
        let data = "municipalities/34-kadikoy/data/residents/"
        try fx.write(kadikoy, data + "2024Q3.csv", Tables.residents([("SYR", "F", 100)]))
        try fx.write(kadikoy, data + "2024Q4.csv", Tables.residents([("SYR", "F", 120)]))
        try fx.write(kadikoy, "municipalities/34-kadikoy/practices/gp-2025-01-women-language-course.md", Self.practice)
        try fx.gpmsync(["sync"], in: kadikoy).check()
        let first = try git(["rev-parse", "contrib/34-kadikoy"], in: fx.central)
        try fx.gpmsync(["review", "approve", "34-kadikoy", "--tip", first, "--central", fx.central, "--user", "elif"]).check()
        try fx.gpmsync(["sync"], in: kadikoy).check()
        // The second contribution: one cell corrected, and a new period with a hostile comment.
        try fx.write(kadikoy, data + "2024Q4.csv", Tables.residents([("SYR", "F", 135)]))
        try fx.write(kadikoy, data + "2025Q1.csv", Tables.residentsHeader + "TP,SYR,F,ALL,140,admin_register,,<b>bold</b>\n")
        try fx.gpmsync(["sync"], in: kadikoy).check()
        let nilufer = try fx.clone("n", org: "16-nilufer", user: "bora")
        try fx.write(nilufer, "municipalities/16-nilufer/data/residents/2025Q1.csv", Tables.residents([("SYR", "F", 50)]))
        try fx.gpmsync(["sync"], in: nilufer).check()

        let passwords = fx.dir.sub("config/console-passwords")
        for user in ["elif", "ayse"] {
            try TestSupport.run(gpmsyncBinary, ["serve", "passwd", user, "--passwords", passwords], input: "correct horse battery\n").check()
        }
        let server = try ServerProcess(gpmsyncBinary, environment: ["LANG": "C"]) { port in
            ["serve", "--central", fx.central, "--listen", "127.0.0.1:\(port)", "--passwords", passwords]
        }
        defer { server.stop() }
        let port = server.port

        let screenshots = ProcessInfo.processInfo.environment["GPMSYNC_SCREENSHOTS"] ?? NSTemporaryDirectory() + "gpmsync-console-screenshots"
        let r = try TestSupport.run("python3", [packageRoot + "/Tests/GPMWebTests/Browser/console_browser_test.py"], environment: [
            "GPMSYNC_URL": "http://127.0.0.1:\(port)", "GPMSYNC_CENTRAL": fx.central, "GPMSYNC_BINARY": gpmsyncBinary,
            "GPMSYNC_MOVING_CLONE": nilufer, "GPMSYNC_SCREENSHOTS": screenshots,
        ])
        print(r.stdout)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    }

    /// A good practice whose body holds markup that must not act.
    static let practice = samplePractice(summary: "Haftada üç gün **Türkçe** kursu. <img src=x onerror=alert(1)>")
}
