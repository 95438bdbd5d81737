import Foundation
import GPMCore
import CoreTestSupport
import XCTest

/// A corpus of bad files made here, each with the exact rule ids and lines expected. A malformed file gets
/// diagnostics, never a crash, and never stops the other files being checked.
final class ValidationCorpusTests: XCTestCase {
    func testCorpus() throws {
        var corpus = Corpus()
        corpus.buildCorpus()
        XCTAssertGreaterThanOrEqual(corpus.cases.count, 150)
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        for c in corpus.cases {
            try FileManager.default.createDirectory(atPath: (root + "/" + c.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(c.bytes).write(to: URL(fileURLWithPath: root + "/" + c.path))
        }
        // Files the corpus cannot hold as bytes: a symlink and a 1 GiB (sparse) file.
        try FileManager.default.createSymbolicLink(atPath: root + "/municipalities/34-kadikoy/data/residents/link.csv", withDestinationPath: "/etc/passwd")
        let huge = root + "/municipalities/34-kadikoy/data/residents/huge.csv"
        FileManager.default.createFile(atPath: huge, contents: nil)
        XCTAssertEqual(truncate(huge, 1 << 30), 0)
        let today = ISO8601DateFormatter().date(from: "2026-11-25T12:00:00Z")!
        var validator = Validator(source: DirectorySource(root: root), today: today)
        validator.checkOutliers = false
        let all = validator.validateAll()
        let byPath = Dictionary(grouping: all, by: \.path)
        for c in corpus.cases {
            let got = Set((byPath[c.path] ?? []).map { "\($0.rule)@\($0.line ?? 0)" })
            XCTAssertEqual(got, c.expected, c.path + "\n" + String(decoding: c.bytes.prefix(400), as: UTF8.self))
        }
        XCTAssertEqual(byPath["municipalities/34-kadikoy/data/residents/link.csv"]?.map(\.rule), ["symlink"])
        XCTAssertEqual(byPath["municipalities/34-kadikoy/data/residents/huge.csv"]?.map(\.rule), ["file-too-large"])
        // Every diagnostic speaks both languages.
        XCTAssertTrue(all.allSatisfy { !$0.message.en.isEmpty && !$0.message.tr.isEmpty })
    }
}
