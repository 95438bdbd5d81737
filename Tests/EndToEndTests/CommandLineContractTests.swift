import Foundation
import TestSupport
import XCTest

/// The command line's contract (SPEC): exit codes, revisions, paths, and text output that nothing a
/// user typed can turn against a terminal.
final class CommandLineContractTests: XCTestCase {
    let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"

    func makeFixture() throws -> Fixture {
        try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("elif", "reviewer", nil)])
    }

    /// Escape, CSI and OSC sequences, a C1 control, a bidi override and a forged line.
    static let hostile = "\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m\u{202E}\nFORGED line"

    func assertNoControlCharacters(_ output: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = output.unicodeScalars.filter {
            ($0.value < 0x20 && $0.value != 0x0A) || (0x7F..<0xA0).contains($0.value) || (0x202A...0x202E).contains($0.value)
        }
        XCTAssertTrue(bad.isEmpty, "\(what) printed raw control characters: \(output.debugDescription)", file: file, line: line)
        XCTAssertFalse(output.split(separator: "\n").contains { $0.hasPrefix("FORGED") },
                       "\(what): a value forged a line of its own", file: file, line: line)
    }

    func testUsageErrorsExitTwo() throws {
        let dir = TemporaryDirectory()
        for args in [["bogus"], ["status", "--bogus"], ["status", "--format", "html"], ["diff", "--format", "xml"],
                     ["validate", "--format", "yaml"], ["validate", "--lang", "fr"], ["conflicts", "--format", "html"],
                     ["review", "list", "--format", "html"], ["resolve", "x.csv"], ["central", "bogus"]] {
            let r = try TestSupport.run(gpmsyncBinary, args, in: dir.path, environment: ["LANG": "C"])
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty, "\(args)")
        }
        let tr = try TestSupport.run(gpmsyncBinary, ["status", "--lang", "tr", "--bogus"], in: dir.path)
        XCTAssertEqual(tr.status, 2)
        XCTAssertTrue(tr.stderr.contains("komut satırı"), tr.stderr)
        XCTAssertEqual(try TestSupport.run(gpmsyncBinary, ["--help"], in: dir.path).status, 0)
        XCTAssertEqual(try TestSupport.run(gpmsyncBinary, ["status", "--help"], in: dir.path).status, 0)
        XCTAssertEqual(try TestSupport.run(gpmsyncBinary, ["--version"], in: dir.path).status, 0)
    }

    /// A libgit2 failure no library code translated: exit 2 and a sentence in the user's language, not
    /// exit 1 and libgit2's raw error.
    func testLibgit2ErrorsExitTwoWithAMessage() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        // main names an object that is not there.
        try write(String(repeating: "1", count: 40) + "\n", to: a + "/.git/refs/heads/main")
        for args in [["status"], ["diff"], ["commit"]] {
            let r = try f.gpmsync(args, in: a)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("gpmsync: the data repository could not be read"), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Error:"), r.stderr)
            XCTAssertFalse(r.stderr.contains("detail:"), "libgit2's own words only with --verbose: \(r.stderr)")
        }
        let tr = try f.gpmsync(["status", "--lang", "tr"], in: a)
        XCTAssertEqual(tr.status, 2)
        XCTAssertTrue(tr.stderr.contains("veri deposu okunamadı"), tr.stderr)
        let verbose = try f.gpmsync(["status", "--verbose"], in: a)
        XCTAssertEqual(verbose.status, 2)
        XCTAssertTrue(verbose.stderr.contains("\ngpmsync: detail: git_"), verbose.stderr)
    }

    func testDiffTakesAnyRevision() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        try f.gpmsync(["sync"], in: a).check()
        try git(["tag", "v1"], in: a)
        try f.write(a, residents, Tables.residents([("SYR", "F", 101)]))
        try f.gpmsync(["commit"], in: a).check()
        let short = String(try git(["rev-parse", "HEAD~1"], in: a).prefix(7))
        for revisions in [["HEAD~1", "HEAD"], [short, "HEAD"], ["v1"], ["central/main", "HEAD~1"], ["v1^{commit}", "main"], ["main~1"]] {
            let r = try f.gpmsync(["diff"] + revisions, in: a)
            XCTAssertEqual(r.status, 0, "\(revisions): \(r.stderr)")
            if revisions.first != "central/main" { XCTAssertTrue(r.stdout.contains("count: 100 → 101"), "\(revisions): \(r.stdout)") }
        }
        XCTAssertTrue(try f.gpmsync(["diff", "central/main", "HEAD~1"], in: a).check().stdout.contains("+ TP|SYR|F|ALL"))
        for bad in ["HEAD~9", "nope", "HEAD:\(residents)", "0000000"] {
            let r = try f.gpmsync(["diff", bad], in: a)
            XCTAssertEqual(r.status, 2, "\(bad): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("unknown revision"), "\(bad): \(r.stderr)")
        }
    }

    func testValidateFoldersAndMissingPaths() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        try f.write(a, residents, Tables.residentsHeader + "TP,SYR,F,ALL,abc,admin_register,,\n")
        for target in ["municipalities", "municipalities/34-kadikoy/data/", ".", a, "municipalities/34-kadikoy/../34-kadikoy/data"] {
            let r = try f.gpmsync(["validate", target], in: a)
            XCTAssertEqual(r.status, 1, "\(target): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("type-error"), "\(target): \(r.stdout)")
        }
        XCTAssertEqual(try f.gpmsync(["validate", "codelists"], in: a).status, 0, "a folder of valid files")
        let sub = try f.gpmsync(["validate", "residents"], in: a + "/municipalities/34-kadikoy/data")
        XCTAssertEqual(sub.status, 1, "relative to the current folder: \(sub.stdout)\(sub.stderr)")
        for missing in ["nothere", "municipalities/34-kadikoy/data/residents/2031Q1.csv", "/etc/passwd", "../x"] {
            let r = try f.gpmsync(["validate", residents, missing], in: a)
            XCTAssertEqual(r.status, 2, "\(missing): \(r.stdout)")
            XCTAssertFalse(r.stdout.contains("0 error(s)"), r.stdout)
            XCTAssertTrue(r.stderr.contains(missing), r.stderr)
        }
    }

    /// Issues 10 and 18: a comment cell with escape sequences, printed by diff and review show; a reviewer's
    /// reason with escape sequences and a forged line, printed by the staff's status; a file name and a
    /// value in validation output; a conflict's values.
    func testNothingTypedReachesTheTerminalRaw() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let hostile = Self.hostile
        try f.write(a, residents, Tables.residentsHeader + "TP,SYR,F,ALL,100,admin_register,,\"\(hostile)\"\n")
        let diff = try f.gpmsync(["diff"], in: a).check()
        XCTAssertTrue(diff.stdout.contains("owned"), diff.stdout)
        assertNoControlCharacters(diff.stdout, "diff")
        let html = try f.gpmsync(["diff", "--format", "html"], in: a).check()
        assertNoControlCharacters(html.stdout, "diff --format html")
        let json = try f.gpmsync(["diff", "--format", "json"], in: a).check()
        assertNoControlCharacters(json.stdout, "diff --format json")
        let commit = try f.gpmsync(["commit"], in: a).check()
        assertNoControlCharacters(commit.stdout, "commit")
        try f.gpmsync(["sync"], in: a).check()

        let reviewer = ["--central", f.central, "--user", "elif"]
        let shown = try f.gpmsync(["review", "show", "34-kadikoy"] + reviewer, in: f.dir.path).check()
        assertNoControlCharacters(shown.stdout, "review show")
        let tip = try git(["rev-parse", "contrib/34-kadikoy"], in: f.central)
        try f.gpmsync(["review", "has-issues", "34-kadikoy", "--reason", "fix \(hostile)", "--tip", tip] + reviewer, in: f.dir.path).check()
        try f.gpmsync(["sync"], in: a)
        let status = try f.gpmsync(["status"], in: a)
        XCTAssertTrue(status.stdout.contains("fix "), status.stdout)
        assertNoControlCharacters(status.stdout, "status")

        let name = "municipalities/34-kadikoy/data/residents/2025Q2\u{1B}[31m.csv"
        try f.write(a, name, "x\n")
        try f.write(a, "municipalities/34-kadikoy/data/residents/2025Q3.csv", Tables.residentsHeader + "TP,SYR,F,ALL,\"1\u{1B}[2J\nFORGED\",admin_register,,\n")
        let validate = try f.gpmsync(["validate"], in: a)
        XCTAssertEqual(validate.status, 1)
        assertNoControlCharacters(validate.stdout, "validate")
        let status2 = try f.gpmsync(["status"], in: a)
        assertNoControlCharacters(status2.stdout, "status with invalid files")
        let missing = try f.gpmsync(["validate", "no\u{1B}[2Jthere"], in: a)
        XCTAssertEqual(missing.status, 2)
        assertNoControlCharacters(missing.stderr, "an error message")
    }

    /// Issue 10: the crash inputs through the commands that staff and reviewers run.
    func testCrashInputsDoNotCrashTheCommands() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let q2 = "municipalities/34-kadikoy/data/residents/2025Q2.csv"
        try f.write(a, residents, Tables.residents([("SYR", "F", 1)]))
        try f.gpmsync(["sync"], in: a).check()
        try f.write(a, q2, Tables.residentsHeader + "TP,SYR,F,ALL,100000000000000000,admin_register,,\n")
        try f.write(a, "municipalities/34-kadikoy/practices/gp-2025-01-deep.md", "---\n" + String(repeating: "- ", count: 8_192) + "x\n---\n")
        let validate = try f.gpmsync(["validate"], in: a)
        XCTAssertEqual(validate.status, 1, validate.stdout + validate.stderr)
        XCTAssertTrue(validate.stdout.contains("outlier") && validate.stdout.contains("front-matter"), validate.stdout)
        XCTAssertEqual(try f.gpmsync(["status"], in: a).status, 0)
        let sync = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(sync.status, 0, sync.stdout + sync.stderr)
        XCTAssertTrue(try git(["show", "HEAD:\(q2)"], in: a).contains("100000000000000000"), "the clone still records")
        let reviewer = ["--central", f.central, "--user", "elif"]
        XCTAssertEqual(try f.gpmsync(["review", "show", "34-kadikoy"] + reviewer, in: f.dir.path).status, 0)
        XCTAssertEqual(try f.gpmsync(["review", "approve", "34-kadikoy"] + reviewer, in: f.dir.path).status, 0)
    }
}
