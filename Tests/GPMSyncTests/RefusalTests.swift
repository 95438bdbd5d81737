import GPMCore
@testable import GPMSync
import XCTest

/// The central hook's refusal text, without a server: the first finding, then the same groups as validate,
/// in the pusher's language when the transport tells it, else in both, each line tagged.
final class RefusalTests: XCTestCase {
    func refusal() -> PreReceive.Refusal {
        func d(_ path: String, _ line: Int, _ rule: String) -> Diagnostic {
            Diagnostic(path: path, line: line, rule: rule, severity: rule == "outlier" ? .warning : .error, message: Message(en: "e\(line)", tr: "t\(line)"))
        }
        let a = (1...10).map { d("a.csv", $0, "outlier") } + [d("a.csv", 11, "type-error"), d("a.csv", 12, "type-error")]
        let b = (1...5).map { d("b.csv", $0, "outlier") }
        return PreReceive.Refusal(rule: "outlier", path: "a.csv:1", en: "e1", tr: "t1", findings: a + b)
    }

    func testTheHooksRefusalListsTheGroupsAfterItsFirstFinding() {
        let english = refusal().text(.en)
        XCTAssertEqual(english.split(separator: "\n").count, 11)
        XCTAssertTrue(english.hasPrefix("refused outlier a.csv:1: e1"), english)
        XCTAssertTrue(english.contains("  a.csv: warning outlier: 7 more like this (--all lists each one)"), english)
        XCTAssertFalse(english.contains("buna benzer"), english)
        let turkish = refusal().text(.tr)
        XCTAssertTrue(turkish.hasPrefix("gönderim kabul edilmedi (a.csv:1 dosyası): t1"), turkish)
        XCTAssertTrue(turkish.contains("  a.csv: uyarı: buna benzer 7 bulgu daha"), turkish)
        XCTAssertFalse(turkish.contains("warning") || turkish.contains("refused"), turkish)
    }

    func testAnUnknownLanguageGetsBothTaggedAndGpmsyncPicksItsOwn() {
        let both = refusal().text(nil).split(separator: "\n").map { "gpmsync: " + $0 }
        XCTAssertEqual(both.count, 22)
        XCTAssertTrue(both.allSatisfy { $0.hasPrefix("gpmsync: [en] ") || $0.hasPrefix("gpmsync: [tr] ") }, "\(both)")
        let turkish = LanguageTag.fromCentral(both + ["Total 3 (delta 0)"], .tr)
        XCTAssertEqual(turkish.count, 12)
        XCTAssertEqual(turkish.first, "merkez: gönderim kabul edilmedi (a.csv:1 dosyası): t1")
        XCTAssertEqual(turkish.last, "merkez: Total 3 (delta 0)")
        XCTAssertEqual(LanguageTag.fromCentral(both, .en).first, "central: refused outlier a.csv:1: e1")
    }

    func testThePushersLanguageComesFromTheTransport() {
        XCTAssertNil(PreReceive.pusherLanguage([:]))
        XCTAssertNil(PreReceive.pusherLanguage(["LANG": "tr_TR.UTF-8"]), "the server's own locale says nothing of the pusher")
        XCTAssertEqual(PreReceive.pusherLanguage(["GPMSYNC_LANG": "tr"]), .tr)
        XCTAssertEqual(PreReceive.pusherLanguage(["GIT_PUSH_OPTION_COUNT": "2", "GIT_PUSH_OPTION_0": "ci.skip", "GIT_PUSH_OPTION_1": "lang=tr"]), .tr)
        XCTAssertEqual(PreReceive.pusherLanguage(["HTTP_ACCEPT_LANGUAGE": "tr-TR, en;q=0.9"]), .tr)
        XCTAssertEqual(PreReceive.pusherLanguage(["HTTP_ACCEPT_LANGUAGE": "en-US, tr;q=0.5"]), .en)
        XCTAssertNil(PreReceive.pusherLanguage(["GIT_PUSH_OPTION_COUNT": "-5"]))
        XCTAssertNil(PreReceive.pusherLanguage(["GIT_PUSH_OPTION_COUNT": "9223372036854775807"]))
    }
}
