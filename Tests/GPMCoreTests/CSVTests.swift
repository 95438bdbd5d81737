import GPMCore
import XCTest

final class CSVTests: XCTestCase {
    func testQuotedFieldsAndLineNumbers() {
        let t = CSV.parse(Array("a,b\n\"x,1\",\"he said \"\"hi\"\"\"\n\"multi\nline\",2\nlast,3".utf8))
        XCTAssertEqual(t.header, ["a", "b"])
        XCTAssertEqual(t.rows.map(\.fields), [["x,1", "he said \"hi\""], ["multi\nline", "2"], ["last", "3"]])
        XCTAssertEqual(t.rows.map(\.line), [2, 3, 5])
        XCTAssertTrue(t.problems.isEmpty)
    }

    func testBOMAndCRLFFromASpreadsheetAreNormalisedOnWrite() {
        let spreadsheet = Array("\u{FEFF}a,b\r\n1,\"x\"\r\n2,y\r\n".utf8)
        let t = CSV.parse(spreadsheet)
        XCTAssertEqual(t.header, ["a", "b"])
        XCTAssertEqual(t.rows.map(\.fields), [["1", "x"], ["2", "y"]])
        XCTAssertEqual(String(decoding: CSV.write(header: t.header, rows: t.rows.map(\.fields)), as: UTF8.self), "a,b\n1,x\n2,y\n")
    }

    func testCanonicalWriteRoundTrips() {
        let rows = [["a,b", "c\"d", "e\nf", ""], ["plain", "ç ş ğ", " lead", "x"]]
        let bytes = CSV.write(header: ["h1", "h2", "h3", "h4"], rows: rows)
        let back = CSV.parse(bytes)
        XCTAssertEqual(back.rows.map(\.fields), rows)
        XCTAssertEqual(CSV.write(header: back.header, rows: back.rows.map(\.fields)), bytes)
    }

    func testBrokenQuotingIsAProblemNotACrash() {
        let t = CSV.parse(Array("a,b\n\"open,1\n2,3\n".utf8))
        XCTAssertEqual(t.problems.first?.line, 2)
        let u = CSV.parse(Array("a,b\nx\"y,1\n".utf8))
        XCTAssertEqual(u.problems.map(\.line), [2])
        XCTAssertEqual(u.rows.first?.fields, ["x\"y", "1"])
    }

    func testBlankLinesBecomeBlankRows() {
        let t = CSV.parse(Array("a,b\n1,2\n\n,\n3,4\n".utf8))
        XCTAssertEqual(t.rows.map(\.isBlank), [false, true, true, false])
        XCTAssertEqual(t.rows.map(\.line), [2, 3, 4, 5])
    }
}

final class FormatTests: XCTestCase {
    func testPeriods() {
        XCTAssertEqual(Period("2025Q1")?.type, .quarter)
        XCTAssertEqual(Period("2025-03")?.type, .month)
        XCTAssertEqual(Period("2025")?.type, .year)
        XCTAssertNil(Period("2025Q5"))
        XCTAssertNil(Period("2025-13"))
        XCTAssertNil(Period("25Q1"))
        XCTAssertEqual(Period("2025Q1")?.previous.description, "2024Q4")
        XCTAssertEqual(Period("2025-01")?.previous.description, "2024-12")
        XCTAssertTrue(Period("2026-11")!.hasBegun(year: 2026, month: 11))
        XCTAssertFalse(Period("2026Q4")!.hasBegun(year: 2026, month: 9))
    }

    func testLayout() {
        XCTAssertEqual(RepositoryPath("municipalities/34-kadikoy/data/residents/2025Q1.csv"),
                       .record(orgUnit: "34-kadikoy", dataset: "residents", period: "2025Q1"))
        XCTAssertEqual(RepositoryPath("municipalities/16-nilufer/practices/gp-2025-01-women.md"),
                       .practice(orgUnit: "16-nilufer", id: "gp-2025-01-women"))
        XCTAssertEqual(RepositoryPath("codelists/org_units.csv"), .codeList("org_units"))
        XCTAssertEqual(RepositoryPath("municipalities/Kadikoy/profile.yaml"), .notAllowed)
        XCTAssertEqual(RepositoryPath("notes.txt"), .notAllowed)
        XCTAssertEqual(RepositoryPath("municipalities/34-kadikoy/data/residents/x/2025Q1.csv"), .notAllowed)
        XCTAssertEqual(asciiSlug("Büyükçekmece"), "buyukcekmece")
        XCTAssertEqual(asciiSlug("Şile Ağva"), "sile-agva")
        XCTAssertEqual(asciiSlug("İstanbul"), "istanbul")
    }

    func testPracticeDocumentFrontMatter() {
        let doc = PracticeDocument(text: "---\nid: gp-x\ntitle:\n  tr: Başlık\n---\n## Özet\ntext\n")
        XCTAssertEqual(doc.frontMatter?["id"]?.string, "gp-x")
        XCTAssertEqual(doc.frontMatter?["title"]?.mapping?["tr"]?.string, "Başlık")
        XCTAssertEqual(doc.sections, ["Özet"])
        XCTAssertEqual(doc.bodyFirstLine, 6)
        XCTAssertNil(PracticeDocument(text: "no front matter").frontMatter)
    }

    func testYAMLBombIsRefusedUnexpanded() {
        var yaml = "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var prev = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
            prev = name
        }
        yaml += "---\n"
        let doc = PracticeDocument(text: yaml)
        XCTAssertNil(doc.frontMatter)
        XCTAssertTrue(doc.frontMatterError?.contains("too many") ?? false, doc.frontMatterError ?? "")
        let deep = "---\nx: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n---\n"
        XCTAssertNil(PracticeDocument(text: deep).frontMatter)
    }
}
