import Foundation
@testable import GPMCore
import CoreTestSupport
import XCTest

/// Random edits on both sides of thousands of tables: every changed cell ends up in the merged file or in
/// a recorded conflict, and a merge with nothing conflicting equals the cell-wise expectation.
final class MergePropertyTests: XCTestCase {
    typealias Table = [RecordKey: [String: String]]
    let columns = ["legal_status", "nationality", "sex", "age_group", "count", "source", "missing_reason", "comment"]
    let measures = ["count", "source", "comment"]

    func dataset(rowLevel: Bool = false) throws -> Dataset {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/Repos/template/datapackage.json")))
        var d = try DataPackage(json: bytes).dataset(named: "residents")!
        d.rowLevelMerge = rowLevel
        return d
    }

    func render(_ t: Table, order: [RecordKey]) -> [UInt8]? {
        CSV.write(header: columns, rows: order.filter { t[$0] != nil }.map { k in columns.map { t[k]![$0] ?? "" } })
    }

    func parse(_ bytes: [UInt8]?, _ d: Dataset) -> Table {
        guard let bytes, let t = RecordTable(bytes: bytes, schema: d.schema) else { return [:] }
        return t.rows
    }

    func randomRow(_ key: RecordKey, _ rng: inout SplitMix) -> [String: String] {
        var row = Dictionary(uniqueKeysWithValues: zip(["legal_status", "nationality", "sex", "age_group"], key.values))
        row["count"] = String(Int.random(in: 0...50, using: &rng))
        row["source"] = ["admin_register", "survey", "estimate"].randomElement(using: &rng)!
        row["missing_reason"] = ""
        row["comment"] = ["", "checked", "revised", "x,y \"q\""].randomElement(using: &rng)!
        return row
    }

    func edit(_ base: Table, keys: [RecordKey], _ rng: inout SplitMix) -> Table {
        var t = base
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let k = keys.randomElement(using: &rng)!
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5 where t[k] != nil: t[k]![measures.randomElement(using: &rng)!] = String(Int.random(in: 0...60, using: &rng))
            case 5..<7: t[k] = nil
            default: if t[k] == nil { t[k] = randomRow(k, &rng) }
            }
        }
        return t
    }

    /// The diff that skips rows both versions share byte for byte says exactly what the full comparison
    /// says: on random edits, on reordered rows, on a header changed, on a repeated row.
    func testSkippingCommonRowsChangesNoDiff() throws {
        let d = try dataset()
        let keys = ["SYR", "AFG", "IRQ", "IRN"].flatMap { n in ["F", "M"].map { s in RecordKey(["TP", n, s, "ALL"]) } }
        var compared = 0
        for seed in 0..<2000 {
            var rng = SplitMix(state: UInt64(seed) &+ 77)
            var base: Table = [:]
            for k in keys where Bool.random(using: &rng) { base[k] = randomRow(k, &rng) }
            let changed = edit(base, keys: keys, &rng)
            var order = keys
            if seed % 5 == 0 { order.shuffle(using: &rng) }
            var old = render(base, order: keys)!, new = render(changed, order: order)!
            if seed % 7 == 0 { new = Array(String(decoding: new, as: UTF8.self).replacingOccurrences(of: "count,source", with: "count,source ").utf8) }
            if seed % 11 == 0, let line = String(decoding: old, as: UTF8.self).split(separator: "\n").dropFirst().first {
                old += Array((line + "\n").utf8)
            }
            let fast = SemanticDiff.rowChanges(old: old, new: new, schema: d.schema)
            let full = SemanticDiff.rowChanges(old: old, new: new, schema: d.schema, skippingCommonRows: false)
            XCTAssertEqual(fast.map { "\($0)" }, full.map { "\($0)" }, "seed \(seed)")
            compared += 1
        }
        XCTAssertEqual(compared, 2000)
    }

    func testRandomEditsNeverLoseACell() throws {
        let d = try dataset()
        let keys = ["SYR", "AFG", "IRQ"].flatMap { n in ["F", "M"].map { s in RecordKey(["TP", n, s, "ALL"]) } }
        var conflicted = 0, clean = 0
        for seed in 0..<3000 {
            var rng = SplitMix(state: UInt64(seed))
            var base: Table = [:]
            for k in keys where Bool.random(using: &rng) { base[k] = randomRow(k, &rng) }
            let ours = edit(base, keys: keys, &rng), theirs = edit(base, keys: keys, &rng)
            let merged = try XCTUnwrap(RecordMerge.merge(base: render(base, order: keys), ours: render(ours, order: keys),
                                                         theirs: render(theirs, order: keys), dataset: d), "seed \(seed)")
            let result = parse(merged.bytes, d)
            let conflictCells = Set(merged.conflicts.map { "\($0.key)/\($0.field)" })
            func inConflict(_ k: RecordKey, _ c: String) -> Bool {
                conflictCells.contains("\(k)/\(c)") || conflictCells.contains("\(k)/")
            }
            for k in keys {
                for (side, other) in [(ours, theirs), (theirs, ours)] {
                    guard side[k] != base[k] else { continue }
                    if let row = side[k] {
                        // A row added on both sides has an empty ancestor: an empty cell is no edit.
                        for c in columns where row[c] != (base[k]?[c] ?? "") {
                            XCTAssertTrue(result[k]?[c] == row[c] || inConflict(k, c),
                                          "seed \(seed): \(k)/\(c) = \(row[c] ?? "") lost")
                        }
                    } else if other[k] == base[k] {
                        XCTAssertNil(result[k], "seed \(seed): deletion of \(k) lost")
                    } else {
                        XCTAssertTrue(result[k] == nil || inConflict(k, ""), "seed \(seed): deletion of \(k) vs edit not recorded")
                    }
                }
            }
            if merged.conflicts.isEmpty {
                clean += 1
                // The cell-wise expectation, computed independently.
                var expected: Table = [:]
                for k in keys {
                    let b = base[k], o = ours[k], t = theirs[k]
                    if o == t { expected[k] = o } else if o == b { expected[k] = t } else if t == b { expected[k] = o } else {
                        var row: [String: String] = [:]
                        for c in columns { row[c] = (o![c] == b?[c]) ? t![c] : o![c] }
                        expected[k] = row
                    }
                }
                XCTAssertEqual(result, expected.compactMapValues { $0 }, "seed \(seed)")
            } else {
                conflicted += 1
                // Conflicts keep the local value in the file.
                for c in merged.conflicts where !c.field.isEmpty {
                    let k = RecordKey(c.key.split(separator: "|", omittingEmptySubsequences: false).map(String.init))
                    XCTAssertEqual(result[k]?[c.field], c.ours, "seed \(seed)")
                }
            }
        }
        // The generator must exercise both outcomes, or the property says little.
        XCTAssertGreaterThan(conflicted, 100)
        XCTAssertGreaterThan(clean, 1000)
    }

    func testRowLevelStrictnessMakesAnyTwoEditsOfARowConflict() throws {
        let d = try dataset(rowLevel: true)
        let header = columns.joined(separator: ",") + "\n"
        let base = Array((header + "TP,SYR,F,ALL,10,survey,,\n").utf8)
        let ours = Array((header + "TP,SYR,F,ALL,11,survey,,\n").utf8)
        let theirs = Array((header + "TP,SYR,F,ALL,10,survey,,checked\n").utf8)
        let merged = try XCTUnwrap(RecordMerge.merge(base: base, ours: ours, theirs: theirs, dataset: d))
        XCTAssertEqual(merged.conflicts.count, 1)
        XCTAssertEqual(merged.conflicts.first?.field, "")
        let cellwise = try XCTUnwrap(RecordMerge.merge(base: base, ours: ours, theirs: theirs, dataset: try dataset()))
        XCTAssertTrue(cellwise.conflicts.isEmpty)
        XCTAssertEqual(String(decoding: cellwise.bytes!, as: UTF8.self), header + "TP,SYR,F,ALL,11,survey,,checked\n")
    }

    func testReorderedColumnsFromASpreadsheetStillMergeByName() throws {
        let d = try dataset()
        let header = columns.joined(separator: ",") + "\n"
        let base = Array((header + "TP,SYR,F,ALL,10,survey,,\n").utf8)
        let reordered = Array("count,legal_status,nationality,sex,age_group,source,missing_reason,comment\r\n12,TP,SYR,F,ALL,survey,,\r\n".utf8)
        let theirs = Array((header + "TP,SYR,F,ALL,10,survey,,ok\nTP,AFG,F,ALL,3,survey,,\n").utf8)
        let merged = try XCTUnwrap(RecordMerge.merge(base: base, ours: reordered, theirs: theirs, dataset: d))
        XCTAssertTrue(merged.conflicts.isEmpty)
        XCTAssertEqual(String(decoding: merged.bytes!, as: UTF8.self), header + "TP,SYR,F,ALL,12,survey,,ok\nTP,AFG,F,ALL,3,survey,,\n")
    }
}
