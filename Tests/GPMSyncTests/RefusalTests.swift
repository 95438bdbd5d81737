import GPMCore
@testable import GPMSync
import XCTest

/// The central hook's refusal text, without a server: the first finding, then the same groups as validate.
final class RefusalTests: XCTestCase {
    func testTheHooksRefusalListsTheGroupsAfterItsFirstFinding() {
        func d(_ path: String, _ line: Int, _ rule: String) -> Diagnostic {
            Diagnostic(path: path, line: line, rule: rule, severity: rule == "outlier" ? .warning : .error, message: Message(en: "e\(line)", tr: "t\(line)"))
        }
        let a = (1...10).map { d("a.csv", $0, "outlier") } + [d("a.csv", 11, "type-error"), d("a.csv", 12, "type-error")]
        let b = (1...5).map { d("b.csv", $0, "outlier") }
        let refusal = PreReceive.Refusal(rule: "outlier", path: "a.csv:1", en: "e1", tr: "t1", findings: a + b)
        XCTAssertEqual(refusal.text.split(separator: "\n").count, 11)
        XCTAssertTrue(refusal.text.contains("  a.csv: warning outlier: 7 more like this (--all lists each one) / buna benzer 7 bulgu daha"), refusal.text)
    }
}
