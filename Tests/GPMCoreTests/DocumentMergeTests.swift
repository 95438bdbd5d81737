import CoreTestSupport
import Foundation
import GPMCore
import XCTest

/// Documents and profiles merged field by field and line by line, without git: the line merge is passed in.
final class DocumentMergeTests: XCTestCase {
    /// A stand-in for merge-file: takes a side when only one changed, else reports a conflict.
    func lines(_ a: [UInt8], _ o: [UInt8], _ t: [UInt8]) -> [UInt8]? { o == a ? t : (t == a ? o : (o == t ? o : nil)) }

    func merge(_ base: String?, _ ours: String, _ theirs: String, yamlOnly: Bool = false) throws -> FileMerge {
        try XCTUnwrap(DocumentMerge.merge(base: base.map { Array($0.utf8) }, ours: Array(ours.utf8), theirs: Array(theirs.utf8),
                                          yamlOnly: yamlOnly, lines: lines))
    }

    func testFieldsChangedOnEachSideBothSurvive() throws {
        let base = "---\ntitle: A\nyear: 2024\n---\nBody\n"
        let m = try merge(base, "---\ntitle: B\nyear: 2024\n---\nBody\n", "---\ntitle: A\nyear: 2025\n---\nBody\n")
        XCTAssertEqual(String(decoding: m.bytes!, as: UTF8.self), "---\ntitle: B\nyear: 2025\n---\nBody\n")
        XCTAssertEqual(m.conflicts, [])
    }

    func testTheSameFieldChangedTwiceIsAConflictKeepingOurs() throws {
        let m = try merge("---\ntitle: A\n---\n", "---\ntitle: B\n---\n", "---\ntitle: C\n---\n")
        XCTAssertEqual(String(decoding: m.bytes!, as: UTF8.self), "---\ntitle: B\n---\n")
        XCTAssertEqual(m.conflicts.map(\.key), ["title"])
        XCTAssertEqual(m.conflicts.first?.field, "front-matter")
    }

    /// A byte-order mark, CRLF endings and a `...` closing fence (what editors on Windows and YAML allow)
    /// are read as PracticeDocument reads them, and written back as they came.
    func testWindowsEditorsDocumentsMergeAndKeepTheirForm() throws {
        let base = "\u{FEFF}---\r\ntitle: A\r\nyear: 2024\r\n...\r\nBody\r\n"
        let ours = "\u{FEFF}---\r\ntitle: B\r\nyear: 2024\r\n...\r\nBody\r\n"
        let theirs = "\u{FEFF}---\r\ntitle: A\r\nyear: 2025\r\n...\r\nBody\r\n"
        let m = try merge(base, ours, theirs)
        XCTAssertEqual(m.conflicts, [])
        let text = String(decoding: m.bytes!, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("\u{FEFF}---\r\ntitle: B\r\nyear: 2025\r\n"), text.debugDescription)
        XCTAssertEqual(PracticeDocument(text: text).frontMatter?["year"], PracticeDocument(text: theirs).frontMatter?["year"])
    }

    func testProfilesAreYAMLAlone() throws {
        let m = try merge("name: X\nphone: 1\n", "name: Y\nphone: 1\n", "name: X\nphone: 2\n", yamlOnly: true)
        XCTAssertEqual(String(decoding: m.bytes!, as: UTF8.self), "name: Y\nphone: 2\n")
    }

    func testBodiesThatCannotMergeAreAConflict() throws {
        let m = try merge("---\nt: 1\n---\nA\n", "---\nt: 1\n---\nB\n", "---\nt: 1\n---\nC\n")
        XCTAssertEqual(m.conflicts.map(\.field), ["body"])
        XCTAssertTrue(String(decoding: m.bytes!, as: UTF8.self).hasSuffix("B\n"))
    }

    func testADocumentWithoutFencesIsNotMergedAsOne() throws {
        XCTAssertNil(try DocumentMerge.merge(base: nil, ours: Array("no fences\n".utf8), theirs: Array("---\nt: 1\n---\n".utf8),
                                             yamlOnly: false, lines: lines))
    }
}

/// A document saved by a Windows editor (byte-order mark, CRLF) reads like any other.
final class FrontMatterTests: XCTestCase {
    func testACRLFDocumentWithAByteOrderMarkIsRead() {
        let text = "\u{FEFF}---\r\nid: gp-2025-01-x\r\ntitle: A\r\n---\r\n## Özet\r\nMetin\r\n"
        let doc = PracticeDocument(text: text)
        XCTAssertNil(doc.frontMatterError)
        XCTAssertEqual(doc.frontMatter?["title"], PracticeDocument(text: "---\ntitle: A\n---\n").frontMatter?["title"])
        XCTAssertEqual(doc.bodyFirstLine, 5)
        XCTAssertEqual(FrontMatter.document(text)?.text(), text, "written back as it came")
    }

    func testAProfileIsYAMLAlone() {
        XCTAssertEqual(PracticeDocument(profile: "name: X\r\n").frontMatter?["name"], PracticeDocument(text: "---\nname: X\n---\n").frontMatter?["name"])
        XCTAssertEqual(FrontMatter.profile("a: 1\nb: 2\n").lines, ["a: 1", "b: 2"])
    }
}

final class TimestampTests: XCTestCase {
    /// The hand-written UTC form equals Foundation's formatter, across years, months and leap days.
    func testTheSameAsFoundationsFormatter() {
        let foundation = ISO8601DateFormatter()
        var rng = SplitMix(state: 1_726)
        for t in [0, 951_782_400, 1_709_164_800, 1_764_547_199, 4_102_444_800] + (0..<500).map({ _ in Int64.random(in: 0...4_102_444_800, using: &rng) }) {
            XCTAssertEqual(Timestamp.iso8601(Int64(t)), foundation.string(from: Date(timeIntervalSince1970: TimeInterval(t))), "\(t)")
        }
    }
}
