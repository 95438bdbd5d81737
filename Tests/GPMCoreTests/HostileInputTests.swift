import Foundation
import GPMCore
import CoreTestSupport
import XCTest

/// Inputs built to crash validation: none may (SPEC, "Untrusted input": arithmetic on values saturates,
/// nesting is bounded).
final class HostileInputTests: XCTestCase {
    let today = ISO8601DateFormatter().date(from: "2026-11-25T12:00:00Z")!
    let residents = "municipalities/34-kadikoy/data/residents/"

    func validator(_ root: String) -> Validator { Validator(source: DirectorySource(root: root), today: today) }

    func table(_ rows: [(String, String, String)]) -> String {
        ValidatorTests.residentsHeader + rows.map { "TP,\($0.0),\($0.1),ALL,\($0.2),admin_register,," }.joined(separator: "\n") + "\n"
    }

    /// Issue 10: a count of 10^17 after a period with 1 trapped in the outlier rule's percentage.
    /// A file is read into an array sized by `fstat`; one whose size says less than it holds (it grew after
    /// the `fstat`, or it is a kernel file that says 0) is read to its end all the same.
    func testAFileLongerThanItsSizeIsReadWhole() throws {
        let source = DirectorySource(root: "/proc/self")
        var st = stat()
        XCTAssertEqual(stat("/proc/self/maps", &st), 0)
        XCTAssertEqual(st.st_size, 0)
        let bytes = try XCTUnwrap(source.bytes(at: "maps"))
        XCTAssertGreaterThan(bytes.count, 1_000)
        XCTAssertEqual(bytes.last, UInt8(ascii: "\n"))
        let dir = TemporaryDirectory()
        let exact = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(exact).write(to: URL(fileURLWithPath: dir.path + "/f.csv"))
        XCTAssertEqual(DirectorySource(root: dir.path).bytes(at: "f.csv"), exact)
        XCTAssertEqual(DirectorySource(root: dir.path).bytes(at: "absent.csv"), nil)
    }

    /// A file or folder whose name is not UTF-8 (a Windows-1254 name copied in as bytes) cannot be named by
    /// a path the product can write; it is reported, not passed over, wherever it lies, while the folder's
    /// other files are validated as before.
    func testAFileNamedInBytesThatAreNotUTF8IsReported() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        try write(table([("SYR", "F", "10")]), to: root + "/" + residents + "2025Q1.csv")
        let folder = root + "/" + residents
        for name in [[0x62, 0x61, 0x64, 0xFF, 0xFE, 0x2E, 0x63, 0x73, 0x76], [0x47, 0xFC, 0x6C, 0x2E, 0x6D, 0x64]] as [[UInt8]] {
            let path = Array(folder.utf8) + name + [0]
            let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
            XCTAssertGreaterThanOrEqual(fd, 0)
            close(fd)
        }
        // A folder so named, with a file in it: the folder is reported (its files cannot be named either).
        let folderName = Array((root + "/municipalities/34-kadikoy/").utf8) + [0x64, 0xFF]
        XCTAssertEqual((folderName + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) } }, 0)
        let inner = folderName + Array("/a.csv".utf8) + [0]
        let fd = inner.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        // U+FFFD itself is a character a name may hold: such a file is read as any other.
        try write(table([("SYR", "F", "10")]), to: root + "/" + residents + "2025Q2\u{FFFD}.csv")
        let d = validator(root).validateAll()
        let refused = d.filter { $0.rule == "path-not-allowed" }
        XCTAssertEqual(refused.count, 3, "\(d)")
        XCTAssertTrue(refused.allSatisfy { $0.path.contains("\u{FFFD}") && $0.isError && $0.message.en.contains("not UTF-8") }, "\(refused)")
        XCTAssertEqual(refused.filter { $0.path.hasPrefix(residents) }.count, 2, "\(refused)")
        XCTAssertTrue(refused.contains { $0.path == "municipalities/34-kadikoy/d\u{FFFD}" }, "\(refused)")
        XCTAssertTrue(d.contains { $0.path == residents + "2025Q2\u{FFFD}.csv" && $0.rule == "bad-period" }, "\(d)")
        XCTAssertFalse(d.contains { $0.path.hasSuffix("2025Q1.csv") && $0.isError }, "\(d)")
    }

    func testAHugeCountAfterASmallOneIsAnOutlierNotATrap() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        try write(table([("SYR", "F", "1")]), to: root + "/" + residents + "2025Q1.csv")
        try write(table([("SYR", "F", "100000000000000000")]), to: root + "/" + residents + "2025Q2.csv")
        let d = validator(root).validateAll()
        let outlier = try XCTUnwrap(d.first { $0.rule == "outlier" }, "\(d)")
        XCTAssertTrue(outlier.message.en.contains("100000000000000000"), outlier.message.en)
    }

    /// The class: every value a 64-bit cell can hold, in every order over 13 periods, in a schema without
    /// bounds (negative values allowed), with totals whose parts overflow when added.
    func testExtremeValuesInEveryRuleSaturate() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let packagePath = root + "/datapackage.json"
        let unbounded = try String(contentsOfFile: packagePath, encoding: .utf8).replacingOccurrences(of: "\"minimum\": 0", with: "\"minimum\": -1e300")
        XCTAssertNotEqual(unbounded, try String(contentsOfFile: packagePath, encoding: .utf8), "the template's bound was found")
        try write(unbounded, to: packagePath)
        let extremes = ["9223372036854775807", "-9223372036854775807", "-9223372036854775808", "9223372036854775808",
                        "100000000000000000", "-1", "0", "1", "4611686018427387904", "-4611686018427387905"]
        var random = SplitMix(state: 10)
        let quarters = (2023...2026).flatMap { y in (1...4).map { "\(y)Q\($0)" } }.prefix(13)
        for round in 0..<20 {
            for q in quarters {
                let pick = { extremes[Int(random.next() % UInt64(extremes.count))] }
                try write(table([("SYR", "F", pick()), ("SYR", "M", pick()), ("SYR", "ALL", pick())]),
                          to: root + "/" + residents + q + ".csv")
            }
            _ = validator(root).validateAll() // must return, whatever it finds
            XCTAssertFalse(validator(root).validateAll().isEmpty, "round \(round)")
        }
    }

    /// Issue 10: `"minimum": 1e300` trapped when a value violated it (the bound was turned into an Int).
    func testSchemaBoundsBeyondIntAreReportedNotTrapped() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let packagePath = root + "/datapackage.json"
        let original = try String(contentsOfFile: packagePath, encoding: .utf8)
        for (bound, value) in [("\"minimum\": 1e300", "5"), ("\"maximum\": -1e300", "5"), ("\"minimum\": 9.3e18", "7"),
                               ("\"minimum\": 1.5", "1"), ("\"maximum\": -9223372036854775809", "0")] {
            try write(original.replacingOccurrences(of: "\"minimum\": 0", with: bound), to: packagePath)
            try write(table([("SYR", "F", value)]), to: root + "/" + residents + "2025Q1.csv")
            let d = validator(root).validateAll()
            XCTAssertTrue(d.contains { $0.rule == "constraint-error" && $0.field == "count" }, "\(bound): \(d)")
        }
    }

    /// Issue 10: 16 KiB of `- - - … x` overflowed the stack in Yams. Every way YAML nests, deeply, in a
    /// document and in a profile: refused with a diagnostic.
    func testDeeplyNestedYAMLIsRefused() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let n = 8_000
        let nestings = [
            "id: " + String(repeating: "- ", count: n) + "x",
            String(repeating: "- ", count: n) + "x",
            "id: " + String(repeating: "[", count: n) + String(repeating: "]", count: n),
            "id: " + String(repeating: "{a: ", count: n) + "x" + String(repeating: "}", count: n),
            "id: " + String(repeating: "? ", count: n) + "x",
            (0..<300).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x",
            "a: &a [" + String(repeating: "[", count: n) + "]",
        ]
        let doc = "municipalities/34-kadikoy/practices/gp-2025-01-deep.md"
        let profile = "municipalities/34-kadikoy/profile.yaml"
        for yaml in nestings {
            try write("---\n" + yaml + "\n---\n## Özet\n", to: root + "/" + doc)
            try write(yaml + "\n", to: root + "/" + profile)
            let d = validator(root).validate(paths: [doc, profile])
            XCTAssertTrue(d.contains { $0.path == doc && $0.rule == "front-matter" }, String(yaml.prefix(40)))
            XCTAssertTrue(d.contains { $0.path == profile && $0.rule == "front-matter" }, String(yaml.prefix(40)))
        }
        // Ordinary nesting still reads.
        let fine = PracticeDocument(text: "---\nid: x\ncontact:\n  unit: Göç\n  people:\n    - name: A\n      roles: [a, {b: [c]}]\n---\n")
        XCTAssertNil(fine.frontMatterError)
        XCTAssertEqual(fine.frontMatter?["contact"]?.mapping?["unit"]?.string, "Göç")
    }
}

/// Issue 10: nothing a user typed reaches a terminal raw.
final class TerminalTextTests: XCTestCase {
    let hostile = "a\u{1B}]0;owned\u{07}b\u{1B}[2J\u{9B}31m\u{202E}evil\nforged: line\r\t\u{7F}\u{85}\u{2028}"

    func testControlCharactersAreWrittenOut() {
        let e = hostile.terminalEscaped
        XCTAssertFalse(e.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0.value == 0x202E || $0.value == 0x2028 }, e)
        XCTAssertEqual(e, "a\\u{1B}]0;owned\\u{7}b\\u{1B}[2J\\u{9B}31m\\u{202E}evil\\nforged: line\\r\\t\\u{7F}\\u{85}\\u{2028}")
        XCTAssertEqual(e.terminalEscaped, e, "escaping twice changes nothing")
        XCTAssertEqual("Kadıköy, ğüşöç 34-kadikoy \\d".terminalEscaped, "Kadıköy, ğüşöç 34-kadikoy \\d")
    }

    func testInterpolationEscapesValuesAndKeepsTheProgramsText() {
        let path = "x\u{1B}[31m.csv"
        let t: TerminalText = "file \(path)\n  next \(3)"
        XCTAssertEqual(t.description, "file x\\u{1B}[31m.csv\n  next 3")
        let nested: TerminalText = "outer \(t)"
        XCTAssertEqual(nested.description, "outer file x\\u{1B}[31m.csv\n  next 3", "text already escaped is kept as it is")
    }

    func testDiffTextAndDiagnosticsEscapeWhatFilesHold() throws {
        let package = try DataPackage(json: [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/Repos/template/datapackage.json"))))
        let path = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
        let old = Array((ValidatorTests.residentsHeader + "TP,SYR,F,ALL,10,survey,,\n").utf8)
        let new = Array((ValidatorTests.residentsHeader + "TP,SYR,F,ALL,12,survey,,\"\(hostile)\"\n").utf8)
        let doc = "municipalities/34-kadikoy/practices/gp-x.md"
        let diff = SemanticDiff(files: [
            try XCTUnwrap(SemanticDiff.fileChange(path: path, old: old, new: new, package: package)),
            try XCTUnwrap(SemanticDiff.fileChange(path: doc, old: Array("---\nid: a\n---\nx\n".utf8),
                                                  new: Array("---\nid: \"\u{1B}[2J\"\n---\nx\u{1B}]0;t\u{07}\n".utf8), package: package)),
        ])
        for text in [diff.text().description, diff.html(title: "t\u{1B}")] {
            XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x07 || $0.value == 0x202E }, text)
            XCTAssertFalse(text.contains("\nforged"), "a value cannot start a line of its own: \(text)")
        }
        let d = Diagnostic(path: "a\u{1B}[31m.csv", line: 2, field: "c\nd", rule: "type-error", message: Message(en: "'\u{1B}' x", tr: "'\u{1B}' y"))
        XCTAssertEqual(d.formatted(.en).description, "a\\u{1B}[31m.csv:2: error type-error: [c\\nd] '\\u{1B}' x")
    }
}
