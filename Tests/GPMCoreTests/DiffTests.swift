import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GPMCore
import CoreTestSupport
import XCTest

final class DiffTests: XCTestCase {
    let header = "legal_status,nationality,sex,age_group,count,source,missing_reason,comment\n"

    func package() throws -> DataPackage {
        try DataPackage(json: [UInt8](Data(contentsOf: URL(fileURLWithPath: packageRoot + "/Repos/template/datapackage.json"))))
    }

    func knownDiff() throws -> SemanticDiff {
        let path = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
        let old = Array((header + "TP,SYR,F,ALL,10,survey,,\nTP,AFG,F,ALL,5,survey,,\n").utf8)
        let new = Array((header + "TP,SYR,F,ALL,12,survey,,<b>&\nTP,IRQ,M,ALL,7,survey,,\n").utf8)
        let doc = "municipalities/34-kadikoy/practices/gp-x.md"
        let oldDoc = Array("---\nid: gp-x\nstatus: pilot\n---\n## Özet\nA\nB\n".utf8)
        let newDoc = Array("---\nid: gp-x\nstatus: ongoing\n---\n## Özet\nA\nC\n".utf8)
        let p = try package()
        return SemanticDiff(files: [
            SemanticDiff.fileChange(path: path, old: old, new: new, package: p)!,
            SemanticDiff.fileChange(path: doc, old: oldDoc, new: newDoc, package: p)!,
        ])
    }

    func testRowsAndCells() throws {
        let diff = try knownDiff()
        let rows = try XCTUnwrap(diff.files.first { $0.path.hasSuffix(".csv") }?.rows)
        XCTAssertEqual(rows.map(\.kind), [.changed, .added, .removed])
        XCTAssertEqual(rows[0].key, "TP|SYR|F|ALL")
        XCTAssertEqual(rows[0].cells.map { "\($0.field):\($0.old ?? "")→\($0.new ?? "")" }, ["count:10→12", "comment:→<b>&"])
        XCTAssertEqual(rows[2].key, "TP|AFG|F|ALL")
        let doc = try XCTUnwrap(diff.files.first { $0.path.hasSuffix(".md") })
        XCTAssertEqual(doc.fields, [CellChange(field: "status", old: "pilot", new: "ongoing")])
        XCTAssertEqual(doc.lines?.map { "\($0.kind.rawValue) \($0.line) \($0.text)" }, ["removed 7 B", "added 7 C"])
        let text = diff.text().description
        XCTAssertTrue(text.contains("~ TP|SYR|F|ALL  count: 10 → 12"), text)
        XCTAssertTrue(text.contains("~ status: pilot → ongoing"), text)
    }

    func testJSONRoundTrips() throws {
        let diff = try knownDiff()
        let data = try JSONEncoder().encode(diff)
        XCTAssertEqual(try JSONDecoder().decode(SemanticDiff.self, from: data), diff)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let files = object["files"] as! [[String: Any]]
        XCTAssertEqual(files.first?["path"] as? String, "municipalities/34-kadikoy/data/residents/2025Q1.csv")
    }

    /// The HTML is parsed back (as XML: it is well-formed) and its tables read.
    func testHTMLIsOneSelfContainedPageWithChangedCellsHighlighted() throws {
        let html = try knownDiff().html(title: "Contribution of 34-kadikoy")
        final class Reader: NSObject, XMLParserDelegate {
            var changedCells: [String] = []
            var rowClasses: [String] = []
            var totals: [[String]] = []
            var externalReferences = 0
            var inChanged = false, inTotals = false, inTotalsRow = false
            var text = ""
            var tables = 0
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
                if attributes["src"] != nil || attributes["href"] != nil || name == "link" || name == "script" { externalReferences += 1 }
                if name == "table" { tables += 1; inTotals = attributes["class"] == "totals" }
                if name == "tr", let c = attributes["class"] { rowClasses.append(c) }
                if name == "tr", inTotals { inTotalsRow = true; totals.append([]) }
                if name == "td" { text = ""; inChanged = attributes["class"] == "changed" }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                if name == "td" {
                    if inChanged { changedCells.append(text) }
                    if inTotals { totals[totals.count - 1].append(text) }
                }
                if name == "table" { inTotals = false }
            }
        }
        let reader = Reader()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = reader
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(reader.externalReferences, 0)
        XCTAssertEqual(reader.tables, 3, "totals, records, front-matter fields")
        XCTAssertEqual(reader.changedCells.prefix(2), ["10 → 12", " → <b>&"])
        XCTAssertEqual(reader.rowClasses, ["changed", "added", "removed"])
        XCTAssertEqual(reader.totals.filter { !$0.isEmpty }.first, ["34-kadikoy", "2", "1", "1", "1"])
    }
}
