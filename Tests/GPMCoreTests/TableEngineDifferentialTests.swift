import Foundation
@testable import GPMCore
import CoreTestSupport
import XCTest

/// The byte-level reader and table rules against the string-based ones they replaced (kept in
/// `ReferenceTableRules.swift`): the same diagnostics, in the same order, with the same messages, on the
/// corpus and on thousands of random tables; the same rows handed to the outlier rule.
final class TableEngineDifferentialTests: XCTestCase {
    var package: DataPackage!
    var codeLists: CodeLists!

    override func setUpWithError() throws {
        let dir = TemporaryDirectory()
        let source = DirectorySource(root: try templateCopy(dir))
        package = source.dataPackage
        codeLists = CodeLists(package: package, source: source)
    }

    func testCellsReadLikeTheReferenceReader() {
        var rng = SplitMix(state: 1)
        let alphabet = Array("ab1,\"\n\r ".utf8) + [0xC3, 0xA7]
        for round in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            if round % 10 == 0 { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            let got = CSV.parse(bytes), want = ReferenceCSV.parse(bytes)
            let shown = String(decoding: bytes, as: UTF8.self).debugDescription
            XCTAssertEqual(got.header, want.header, shown)
            XCTAssertEqual(got.rows, want.rows, shown)
            XCTAssertEqual(got.problems, want.problems, shown)
        }
    }

    /// Files without a quote take a quicker reading (whole words scanned for separators and line ends):
    /// it must give what the general reading gives, cell offsets, rows, lines and row offsets included
    /// (the personal-data guard reads a row by its offsets), on every mix of line ends and lengths around
    /// the eight-byte words.
    func testTheQuickReadingOfFilesWithoutQuotesIsTheGeneralOne() {
        var rng = SplitMix(state: 7)
        let alphabet = Array("ab1,,\n\r ".utf8) + [0xC3, 0xA7]
        var quick = 0
        for round in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...70, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            if round % 10 == 0 { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            let got = CSV.Cells(bytes), want = CSV.Cells(bytes, general: true)
            let shown = String(decoding: bytes, as: UTF8.self).debugDescription
            XCTAssertEqual(got.starts, want.starts, shown)
            XCTAssertEqual(got.ends, want.ends, shown)
            XCTAssertEqual(got.rowEnds, want.rowEnds, shown)
            XCTAssertEqual(got.lines, want.lines, shown)
            XCTAssertEqual(got.rowOffsets, want.rowOffsets, shown)
            XCTAssertEqual(got.fileCount, want.fileCount, shown)
            XCTAssertEqual(got.storage, want.storage, shown)
            XCTAssertEqual(got.problems, want.problems, shown)
            if got.rowCount > 1 { quick += 1 }
        }
        XCTAssertGreaterThan(quick, 10_000)
    }

    /// The personal-data prefilter counts digits and looks for `@` eight bytes at a time: against a byte
    /// loop on every byte value (UTF-8 lead and continuation bytes, `/` and `:` beside the digits, `?` and
    /// `A` beside the `@`) and every length around the word.
    func testTheWordWiseDigitCountIsTheBytewiseOne() {
        var rng = SplitMix(state: 11)
        let near: [UInt8] = [0x2F, 0x30, 0x35, 0x39, 0x3A, 0x3F, 0x40, 0x41, 0xB0, 0xB9, 0xC0, 0xC3]
        for round in 0..<50_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in
                round % 2 == 0 ? UInt8.random(in: 0...255, using: &rng) : near.randomElement(using: &rng)!
            }
            let (digits, at) = bytes.withUnsafeBufferPointer(PersonalData.digitsAndAt)
            XCTAssertEqual(digits, bytes.filter { (0x30...0x39).contains($0) }.count, "\(bytes)")
            XCTAssertEqual(at, bytes.contains(0x40), "\(bytes)")
        }
    }

    /// Both engines on one file; returns the new engine's rows for the outlier comparison.
    @discardableResult
    func compare(_ path: String, _ bytes: [UInt8], dataset: Dataset, codeLists: CodeLists,
                 file: StaticString = #filePath, line: UInt = #line) -> (KeyedRows, [RefTypedRow]) {
        var rules = TableRules(path: path, plan: TablePlan(dataset: dataset, codeLists: codeLists), interner: KeyInterner())
        let got = rules.check(CSV.Cells(bytes))
        var reference = ReferenceTableRules(path: path, dataset: dataset, codeLists: codeLists)
        let want = reference.check(ReferenceCSV.parse(bytes))
        XCTAssertEqual(got, want, String(decoding: bytes, as: UTF8.self), file: file, line: line)
        XCTAssertEqual(rules.rows.lines.map(Int.init), reference.typedRows.map(\.line), file: file, line: line)
        XCTAssertEqual((0..<rules.rows.count).map { r in (0..<rules.rows.measureCount).map { rules.rows.measure(r, $0) } },
                       reference.typedRows.map(\.measures), file: file, line: line)
        return (rules.rows, reference.typedRows)
    }

    func testTheCorpus() {
        var corpus = Corpus()
        corpus.buildCorpus()
        var compared = 0
        for c in corpus.cases {
            guard case .record(_, let name, _) = RepositoryPath(c.path), let dataset = package.dataset(named: name) else { continue }
            compare(c.path, c.bytes, dataset: dataset, codeLists: codeLists)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 100)
    }

    /// A random residents or services table: codes (some unknown or empty), counts (some huge, negative,
    /// spaced, not numbers), reasons, duplicated, short, long and blank rows, quoted cells, identifiers.
    func randomTable(_ rng: inout SplitMix, services: Bool) -> [UInt8] {
        let areas = ["education", "health", "ALL", "nope"], statuses = ["TP", "IP_APPLICANT", "XX"]
        let nationalities = ["SYR", "AFG", "ALL", ""], sexes = ["F", "M", "UNK", "ALL"], ages = ["0-4", "ALL", "5-9"]
        let values = ["", "0", "3", "7", "120", "250", "40", " 5", "+5", "-3", "x", "1e3", "99999999999999999999", "9223372036854775807"]
        let reasons = ["", "", "", "suppressed", "not_collected", "bogus"]
        let comments = ["", "", "\"a, b\"", "\"say \"\"hi\"\"\"", "10000000146", "call 0532 123 45 67", "x@y.org"]
        func pick(_ xs: [String]) -> String { xs.randomElement(using: &rng)! }
        var lines = [services
            ? "service_area,legal_status,nationality,sex,age_group,unique_beneficiaries,service_contacts,source,missing_reason,comment"
            : "legal_status,nationality,sex,age_group,count,source,missing_reason,comment"]
        if Int.random(in: 0..<20, using: &rng) == 0 { lines[0] = lines[0].replacingOccurrences(of: "sex", with: "gender") }
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            var cells = services ? [pick(areas)] : []
            cells += [pick(statuses), pick(nationalities), pick(sexes), pick(ages), pick(values)]
            if services { cells.append(pick(values)) }
            cells += [pick(["admin_register", "service_log", "", "zzz"]), pick(reasons), pick(comments)]
            switch Int.random(in: 0..<30, using: &rng) {
            case 0: cells.removeLast(2)
            case 1: cells.append("extra")
            case 2: cells = [""]
            default: break
            }
            let row = cells.joined(separator: ",")
            lines.append(row)
            if Int.random(in: 0..<15, using: &rng) == 0 { lines.append(row) }
        }
        let ending = ["\n", "\r\n"].randomElement(using: &rng)!
        return Array((lines.joined(separator: ending) + ending).utf8)
    }

    func testRandomTables() {
        var rng = SplitMix(state: 2)
        for round in 0..<3_000 {
            let services = round % 2 == 0
            let dataset = package.dataset(named: services ? "services" : "residents")!
            compare("t.csv", randomTable(&rng, services: services), dataset: dataset, codeLists: codeLists)
        }
    }

    /// Complete grids, so totals over every dimension are computed (random tables rarely have every code).
    func testCompleteGridsWithTotals() {
        var rng = SplitMix(state: 3)
        let dataset = package.dataset(named: "residents")!
        for _ in 0..<300 {
            var lines = ["legal_status,nationality,sex,age_group,count,source,missing_reason,comment"]
            for sex in ["F", "M", "UNK", "ALL"] {
                let value = sex == "ALL" ? Int.random(in: 0...30, using: &rng) : Int.random(in: 0...10, using: &rng)
                lines.append("TP,SYR,\(sex),ALL,\(value),admin_register,,")
            }
            compare("t.csv", Array((lines.joined(separator: "\n") + "\n").utf8), dataset: dataset, codeLists: codeLists)
        }
    }

    /// A key column without a code list: keys are interned rather than packed, totals still run over `sex`.
    func testInternedKeys() throws {
        let json = """
        {"resources": [{"name": "visits", "path": "x", "gpmsync": {"periodType": "year"}, "schema": {
          "fields": [{"name": "district", "type": "string"}, {"name": "sex", "type": "string"},
                     {"name": "count", "type": "integer", "constraints": {"minimum": 0, "maximum": 500}},
                     {"name": "share", "type": "number", "constraints": {"maximum": 1}},
                     {"name": "label", "type": "string", "constraints": {"pattern": "[a-z]*", "maxLength": 4}},
                     {"name": "missing_reason", "type": "string"}],
          "missingValues": ["", "NA"], "primaryKey": ["district", "sex"],
          "foreignKeys": [{"fields": "sex", "reference": {"resource": "sexes", "fields": "code"}}]}}]}
        """
        let dataset = try DataPackage(json: Array(json.utf8)).dataset(named: "visits")!
        XCTAssertFalse(TablePlan(dataset: dataset, codeLists: codeLists).packed)
        var rng = SplitMix(state: 4)
        for _ in 0..<1_000 {
            var lines = ["district,sex,count,share,label,missing_reason"]
            for _ in 0..<Int.random(in: 0...20, using: &rng) {
                let cells = [["kadikoy", "uskudar", "", "NA"].randomElement(using: &rng)!,
                             ["F", "M", "UNK", "ALL", "Q"].randomElement(using: &rng)!,
                             ["1", "20", "600", "NA", "", "-1", " 7"].randomElement(using: &rng)!,
                             ["0.5", "2", "x", ""].randomElement(using: &rng)!,
                             ["ab", "abcde", "A1", ""].randomElement(using: &rng)!,
                             ["", "suppressed"].randomElement(using: &rng)!]
                lines.append(cells.joined(separator: ","))
            }
            compare("v.csv", Array((lines.joined(separator: "\n") + "\n").utf8), dataset: dataset, codeLists: codeLists)
        }
    }

    func testOutliersOverTwelvePeriods() {
        var rng = SplitMix(state: 5)
        let dataset = package.dataset(named: "residents")!
        let plan = TablePlan(dataset: dataset, codeLists: codeLists)
        for _ in 0..<200 {
            // Thirteen periods of the same few cells; rows sometimes missing, reordered or empty.
            var tables: [(KeyedRows, [RefTypedRow])] = []
            for _ in 0..<13 {
                var lines = ["legal_status,nationality,sex,age_group,count,source,missing_reason,comment"]
                var rows: [String] = []
                for sex in ["F", "M", "UNK"] where Int.random(in: 0..<6, using: &rng) > 0 {
                    let value = Int.random(in: 0..<8, using: &rng) == 0 ? "" : String(Int.random(in: 0...200, using: &rng))
                    rows.append("TP,SYR,\(sex),0-4,\(value),admin_register,\(value.isEmpty ? "not_collected" : ""),")
                }
                lines += rows.shuffled(using: &rng)
                tables.append(compare("p.csv", Array((lines.joined(separator: "\n") + "\n").utf8), dataset: dataset, codeLists: codeLists))
            }
            let history = tables.dropLast().reversed().map { Optional($0) }
            let holes = history.map { Int.random(in: 0..<5, using: &rng) == 0 ? nil : $0 }
            let got = OutlierRule(path: "p.csv", plan: plan, rows: tables.last!.0).check(history: holes.map { $0?.0 })
            let want = ReferenceOutlierRule(path: "p.csv", dataset: dataset, rows: tables.last!.1)
                .check(history: holes.map { $0.map { RefIndexedTable($0.1) } })
            XCTAssertEqual(got, want)
        }
    }
}
