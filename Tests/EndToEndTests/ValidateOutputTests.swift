import Foundation
import TestSupport
import XCTest

/// `gpmsync validate` as a person and a script see it: text grouped per file and rule, `--all` listing
/// each finding, and the streamed JSON document.
final class ValidateOutputTests: XCTestCase {
    func testTextIsGroupedAndAllListsEach() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        var table = "legal_status,nationality,sex,age_group,count,source,missing_reason,comment\n"
        for age in ["0-4", "5-9", "10-14", "15-18", "19-24", "25-29", "30-34", "35-39", "40-44", "45-49"] {
            table += "TP,SYR,F,\(age),3,admin_register,,\n"
        }
        table += "TP,SYR,M,0-4,x,admin_register,,\n"
        try TestSupport.write(table, to: root + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")

        let grouped = try TestSupport.run(gpmsyncBinary, ["validate", "--repo", root, "--lang", "en"])
        XCTAssertEqual(grouped.status, 1, grouped.stdout)
        let lines = grouped.stdout.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("small-cell: [count]") }.count, 3, grouped.stdout)
        XCTAssertTrue(lines.contains("municipalities/34-kadikoy/data/residents/2025Q1.csv: warning small-cell: 7 more like this (--all lists each one)"), grouped.stdout)
        XCTAssertEqual(lines.last, "1 error(s), 10 warning(s)")

        let all = try TestSupport.run(gpmsyncBinary, ["validate", "--repo", root, "--all", "--lang", "tr"])
        // In Turkish the severity is the glossary's word and the rule id (English, a JSON contract) is left out.
        XCTAssertEqual(all.stdout.split(separator: "\n").filter { $0.contains(": uyarı: [count]") }.count, 10, all.stdout)
        XCTAssertFalse(all.stdout.contains("small-cell") || all.stdout.contains("warning"), all.stdout)
        XCTAssertFalse(all.stdout.contains("buna benzer"))
        XCTAssertTrue(all.stdout.hasSuffix("1 hata, 10 uyarı\n"), all.stdout)

        let json = try TestSupport.run(gpmsyncBinary, ["validate", "--repo", root, "--format", "json"])
        XCTAssertEqual(json.status, 1)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["ok"] as? Bool, false)
        XCTAssertEqual(report["errors"] as? Int, 1)
        XCTAssertEqual(report["warnings"] as? Int, 10)
        let diagnostics = try XCTUnwrap(report["diagnostics"] as? [[String: Any]])
        XCTAssertEqual(diagnostics.count, 11)
        XCTAssertEqual(Set(diagnostics.flatMap { $0.keys }), ["path", "line", "field", "rule", "severity", "message"])
    }
}
