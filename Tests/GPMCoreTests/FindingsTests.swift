import Foundation
import GPMSampleData
@testable import GPMCore
import CoreTestSupport
import XCTest

/// Diagnostics at scale: the streamed JSON report, text grouped per file and rule, and validation on
/// several cores giving what one core gives, in the same order.
final class FindingsTests: XCTestCase {
    let today = ISO8601DateFormatter().date(from: "2026-01-15T12:00:00Z")!

    /// A small Marmara tree with the first generator's sawtooth series (outliers in every file, small
    /// cells), plus files that bring errors and hostile bytes into paths and messages.
    func noisyTree(_ dir: TemporaryDirectory) throws -> String {
        let root = dir.sub("tree")
        var g = MarmaraGenerator()
        g.municipalities = 4
        g.months = 15
        g.series = .noisy
        let template = try templateFiles()
        _ = try g.write(to: root, template: template)
        let services = root + "/municipalities/\(g.orgs(template)[1])/data/services/2025-12.csv"
        var text = try String(contentsOfFile: services, encoding: .utf8)
        text = text.replacingOccurrences(of: ",service_log,,\n", with: ",service_log,,\"quote \"\" back\\\\slash \u{1} ç\"\n")
        text += "education,TP,SYR,F,19-24,x,3,service_log,,\n"
        try CoreTestSupport.write(text, to: services)
        try CoreTestSupport.write("a,b\n", to: root + "/municipalities/odd \"name\"\t\u{7}.csv")
        return root
    }

    func testStreamedJSONParsesBackToTheReport() throws {
        let dir = TemporaryDirectory()
        let root = try noisyTree(dir)
        let validator = Validator(source: DirectorySource(root: root), today: today)
        let entries = validator.source.files()
        var bytes: [UInt8] = []
        var chunks = 0
        let writer = ReportWriter(format: .json) { bytes += $0; chunks += 1 }
        validator.validate(entries: entries, workers: 3) { writer.add($0) }
        writer.finish()
        let streamed = try JSONDecoder().decode(ValidationReport.self, from: Data(bytes))
        let whole = ValidationReport(Validator(source: DirectorySource(root: root), today: today).validate(entries: entries))
        XCTAssertGreaterThan(whole.diagnostics.count, 300)
        XCTAssertGreaterThan(chunks, 1, "written in chunks as it goes, not at the end")
        XCTAssertEqual(streamed.diagnostics, whole.diagnostics)
        XCTAssertEqual([streamed.errors, streamed.warnings], [whole.errors, whole.warnings])
        XCTAssertEqual(streamed.ok, whole.ok)
        XCTAssertFalse(streamed.ok)
        XCTAssertTrue(streamed.diagnostics.contains { $0.path.contains("\"name\"\t\u{7}") })
        // And the same document as JSONEncoder writes it, once parsed.
        let encoded = try JSONEncoder().encode(whole)
        XCTAssertEqual(try JSONDecoder().decode(ValidationReport.self, from: encoded).diagnostics, streamed.diagnostics)
    }

    /// Several cores find what one core finds, in the same order, outliers (which read earlier periods) included.
    func testEveryCoreGivesWhatOneCoreGives() throws {
        let dir = TemporaryDirectory()
        let root = try noisyTree(dir)
        let validator = Validator(source: DirectorySource(root: root), today: today)
        let entries = validator.source.files()
        var one: [Diagnostic] = []
        validator.validate(entries: entries, workers: 1) { one += $0 }
        XCTAssertGreaterThan(one.filter { $0.rule == "outlier" }.count, 100)
        for workers in [2, 3, 8] {
            var many: [Diagnostic] = []
            var calls = 0
            Validator(source: DirectorySource(root: root), today: today).validate(entries: entries, workers: workers) { many += $0; calls += 1 }
            XCTAssertEqual(calls, entries.count, "one call per file")
            XCTAssertEqual(many, one, "\(workers) workers")
        }
    }

    /// The writer keeps the last path it escaped; two files whose names are canonically equivalent (`ü` and
    /// `u` + combining diaeresis: equal as Swift strings, two files on Linux) must each keep their own bytes.
    func testCanonicallyEquivalentPathsAreWrittenAsTheirOwnBytes() throws {
        let nfc = "municipalities/34-kadikoy/practices/\u{FC}.md", nfd = "municipalities/34-kadikoy/practices/u\u{308}.md"
        XCTAssertEqual(nfc, nfd)
        var bytes: [UInt8] = []
        let writer = ReportWriter(format: .json) { bytes += $0 }
        writer.add([Diagnostic(path: nfc, rule: "path-not-allowed", message: Message(en: "a", tr: "a"))])
        writer.add([Diagnostic(path: nfd, rule: "path-not-allowed", message: Message(en: "a", tr: "a"))])
        writer.finish()
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let paths = try XCTUnwrap(document["diagnostics"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        XCTAssertEqual(paths.map { Array($0.utf8) }, [Array(nfc.utf8), Array(nfd.utf8)])
    }

    func testGroupedPerFileAndRule() {
        func d(_ path: String, _ line: Int, _ rule: String) -> Diagnostic {
            Diagnostic(path: path, line: line, rule: rule, severity: rule == "outlier" ? .warning : .error, message: Message(en: "e\(line)", tr: "t\(line)"))
        }
        let a = (1...10).map { d("a.csv", $0, "outlier") } + [d("a.csv", 11, "type-error"), d("a.csv", 12, "type-error")]
        let b = (1...5).map { d("b.csv", $0, "outlier") }
        let grouped = Diagnostic.grouped(a + b)
        XCTAssertEqual(grouped.map { "\($0.path):\($0.line.map(String.init) ?? "-"):\($0.rule)" },
                       ["a.csv:1:outlier", "a.csv:2:outlier", "a.csv:3:outlier", "a.csv:-:outlier",
                        "a.csv:11:type-error", "a.csv:12:type-error",
                        "b.csv:1:outlier", "b.csv:2:outlier", "b.csv:3:outlier", "b.csv:-:outlier"])
        XCTAssertEqual(grouped[3].formatted(.en), "a.csv: warning outlier: 7 more like this (--all lists each one)")
        XCTAssertEqual(grouped[3].formatted(.tr), "a.csv: uyarı: buna benzer 7 bulgu daha (--all hepsini listeler)")
        XCTAssertEqual(grouped[3].formatted(.tr, verbose: true), "a.csv: uyarı outlier: buna benzer 7 bulgu daha (--all hepsini listeler)")
        XCTAssertEqual(grouped[9].message.en, "2 more like this (--all lists each one)")
        XCTAssertEqual(Diagnostic.grouped(b.prefix(3).map { $0 }), Array(b.prefix(3)), "nothing to group: unchanged")

        var text = ""
        let grouping = ReportWriter(format: .text(.en, all: false)) { text += String(decoding: $0, as: UTF8.self) }
        grouping.add(a); grouping.add(b); grouping.finish()
        XCTAssertEqual(text.split(separator: "\n").count, 11)
        XCTAssertTrue(text.hasSuffix("2 error(s), 15 warning(s)\n"), text)
        var all = ""
        let listing = ReportWriter(format: .text(.tr, all: true)) { all += String(decoding: $0, as: UTF8.self) }
        listing.add(a); listing.add(b); listing.finish()
        XCTAssertEqual(all.split(separator: "\n").count, 18)
        XCTAssertTrue(all.hasSuffix("2 hata, 15 uyarı\n"))
    }
}
