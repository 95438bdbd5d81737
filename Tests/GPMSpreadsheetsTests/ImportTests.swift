import Foundation
import GPMCore
import GPMSpreadsheets
import TestSupport
import XCTest

/// Spreadsheets as staff save them, written by the programs that write them in real life (Python's cp1254
/// codec for Excel's Turkish CSV, openpyxl for workbooks), converted and checked cell by cell; the
/// validator's one finding for such a file; `gpmsync import` and `gpmsync template` through the binary.
final class ImportTests: XCTestCase {
    let dir = TemporaryDirectory("gpmsync-import")
    var package: DataPackage!
    var residents: Dataset { package.dataset(named: "residents")! }

    override func setUpWithError() throws {
        package = try DataPackage(json: Array(try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/Repos/template/datapackage.json"))))
    }

    /// Runs Python with `script`, which gets the output path as sys.argv[1].
    func python(_ script: String, writing name: String) throws -> String {
        let path = dir.sub(name)
        try TestSupport.run("python3", ["-c", script, path]).check()
        return path
    }

    func requireOpenpyxl() throws {
        if (try? TestSupport.run("python3", ["-c", "import openpyxl"]).status) != 0 {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("openpyxl is missing: run scripts/setup.sh --tests") }
            throw XCTSkip("openpyxl is missing (scripts/setup.sh --tests installs it)")
        }
    }

    func rows(_ csv: [UInt8]?) -> [[String]] {
        guard let csv else { return [] }
        let t = CSV.parse(csv)
        return [t.header] + t.rows.map(\.fields)
    }

    static let excelTurkish = #"""
        import sys
        rows = [["legal_status","nationality","sex","age_group","count","source","missing_reason","comment"],
                ["TP","SYR","F","ALL","1.234","admin_register","","Şişli'den taşınan aileler; ığdır"],
                ["TP","SYR","M","ALL","12,0","admin_register","",""],
                ["TP","SYR","ALL","ALL","1.246","admin_register","","toplam, \"kesin\""],
                ["TP","AFG","F","ALL","","","not_collected",""]]
        def cell(v):
            return '"' + v.replace('"', '""') + '"' if (";" in v or '"' in v) else v
        with open(sys.argv[1], "w", encoding="cp1254", newline="") as f:
            for r in rows:
                f.write(";".join(cell(v) for v in r) + "\r\n")
        """#

    func testExcelTurkishCSVConvertsCellByCell() throws {
        let path = try python(Self.excelTurkish, writing: "2025Q1.csv")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertTrue(bytes.contains(0xDE), "Python wrote Ş as Windows-1254")
        let dialect = SpreadsheetDialect.sniff(bytes)
        XCTAssertEqual(dialect, SpreadsheetDialect(encoding: .windows1254, separator: UInt8(ascii: ";"), crlf: true, decimalComma: true))
        let sheet = try Sheet.delimited(bytes, name: "2025Q1.csv").get()
        let result = TableImport.convert(sheet, dataset: residents)
        XCTAssertEqual(result.problems, [])
        XCTAssertEqual(rows(result.csv), [
            ["legal_status", "nationality", "sex", "age_group", "count", "source", "missing_reason", "comment"],
            ["TP", "SYR", "F", "ALL", "1234", "admin_register", "", "Şişli'den taşınan aileler; ığdır"],
            ["TP", "SYR", "M", "ALL", "12", "admin_register", "", ""],
            ["TP", "SYR", "ALL", "ALL", "1246", "admin_register", "", "toplam, \"kesin\""],
            ["TP", "AFG", "F", "ALL", "", "", "not_collected", ""],
        ])
        XCTAssertFalse(result.csv!.contains(0x0D), "canonical line ends")
    }

    func testUTF8BOMSemicolonFileAndWhatTheImportRefuses() throws {
        let path = try python(#"""
            import sys
            with open(sys.argv[1], "w", encoding="utf-8-sig", newline="") as f:
                f.write("legal_status;nationality;sex;age_group;count;source;missing_reason;comment;notes\r\n")
                f.write("TP;SYR;F;ALL;12,5;admin_register;;;x\r\n")
                f.write("TP;SYR;M;ALL;1 200;admin_register;;;\r\n")
                f.write("TP;IRQ;M;ALL;1.2;admin_register;;;\r\n")
            """#, writing: "2025Q1.csv")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(SpreadsheetDialect.sniff(bytes).encoding, .utf8BOM)
        let result = TableImport.convert(try Sheet.delimited(bytes, name: "x").get(), dataset: residents)
        XCTAssertNil(result.csv, "nothing is written when a value cannot be converted")
        let texts = result.problems.map(\.message.en)
        XCTAssertEqual(texts.count, 4, texts.joined(separator: "\n"))
        XCTAssertTrue(texts.contains { $0.contains("line 1, column 9") && $0.contains("'notes' is not in the schema") }, texts.joined(separator: "\n"))
        XCTAssertTrue(texts.contains { $0.contains("line 2, column 5 (count)") && $0.contains("'12,5' is not a whole number") })
        XCTAssertTrue(texts.contains { $0.contains("line 3, column 5 (count)") && $0.contains("'1 200' is not a number") })
        XCTAssertTrue(texts.contains { $0.contains("line 4, column 5 (count)") && $0.contains("'1.2' is not a number") })
        XCTAssertTrue(result.problems.allSatisfy { !$0.message.tr.isEmpty && $0.message.tr != $0.message.en })
    }

    /// A byte that is no character in Windows-1254 is refused, not replaced.
    func testAByteWindows1254DoesNotHaveIsRefused() throws {
        let bytes = Array("legal_status;nationality\r\nTP;S".utf8) + [0x81] + Array("R\r\n".utf8)
        guard case .failure(let p) = Sheet.delimited(bytes, name: "x") else { return XCTFail("accepted") }
        XCTAssertTrue(p.message.en.contains("line 2") && p.message.en.contains("0x81"), p.message.en)
    }

    func testTheValidatorReportsOneFindingForAnExcelFileNotOnePerRow() throws {
        let repo = try templateCopy(dir)
        let folder = repo + "/municipalities/34-kadikoy/data/residents"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cp1254 = try python(Self.excelTurkish, writing: "cp.csv")
        try FileManager.default.copyItem(atPath: cp1254, toPath: folder + "/2025Q1.csv")
        var lines = "\u{FEFF}legal_status;nationality;sex;age_group;count;source;missing_reason;comment\r\n"
        for n in 0..<40 { lines += "TP;SYR;F;\(["0-4", "5-9", "10-14", "15-18"][n % 4]);\(n),5;admin_register;;\r\n" }
        try TestSupport.write(lines, to: folder + "/2024Q4.csv")
        let found = Validator(source: DirectorySource(root: repo)).validate(paths: [
            "municipalities/34-kadikoy/data/residents/2025Q1.csv", "municipalities/34-kadikoy/data/residents/2024Q4.csv"])
        let byPath = Dictionary(grouping: found, by: \.path)
        let cp = byPath["municipalities/34-kadikoy/data/residents/2025Q1.csv"] ?? []
        let bom = byPath["municipalities/34-kadikoy/data/residents/2024Q4.csv"] ?? []
        XCTAssertEqual(cp.map(\.rule), ["encoding-error"])
        XCTAssertEqual(bom.map(\.rule), ["dialect"])
        XCTAssertTrue(cp[0].message.en.contains("Windows-1254") && cp[0].message.en.contains("';' between cells") && cp[0].message.en.contains("gpmsync import"), cp[0].message.en)
        XCTAssertTrue(bom[0].message.en.contains("a decimal comma") && bom[0].message.en.contains("CRLF"), bom[0].message.en)
        XCTAssertTrue(bom[0].message.tr.contains("ondalık virgül"))
    }

    /// The personal-data guard still reads such a file: an identity number in it is found.
    func testAnExcelFileWithAnIdentityNumberIsStillScanned() throws {
        let repo = try templateCopy(dir)
        let path = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
        try TestSupport.write("legal_status;nationality;sex;age_group;count;source;missing_reason;comment\r\nTP;SYR;F;ALL;3;admin_register;;10000000146\r\n", to: repo + "/" + path)
        let found = Validator(source: DirectorySource(root: repo)).validate(paths: [path])
        XCTAssertEqual(found.map(\.rule), ["dialect", "pii-tckn"])
        XCTAssertEqual(found.last?.line, 2, "lines of a CRLF file are counted as the CSV reader counts them")
    }

    static let workbook = #"""
        import sys, datetime
        from openpyxl import Workbook
        wb = Workbook()
        ws = wb.active
        ws.title = "residents"
        ws["A1"] = "Kadıköy — yerleşik göçmenler 2025Q1"
        ws.merge_cells("A1:H1")
        ws.append(["legal_status", "nationality", "sex", "age_group", "count", "source", "missing_reason", "comment"])
        ws.append(["TP", "SYR", "F", "ALL", "120", "admin_register", None, datetime.date(2025, 3, 31)])
        ws.append([None, "SYR", "M", "ALL", 95, "admin_register", None, None])
        ws.append([None, "SYR", "ALL", "ALL", 215.0, "admin_register", None, "toplam"])
        ws.merge_cells("A3:A5")
        ws.append(["TP", "AFG", "F", "ALL", None, None, "not_collected", datetime.datetime(2025, 4, 2, 10, 15)])
        ws.append([])
        ws.append(["TP", "IRQ", "F", "ALL", "7", "survey", None, 12.5])
        wb.save(sys.argv[1])
        """#

    func testAWorkbookWithDatesTextNumbersEmptyAndMergedCellsConvertsCellByCell() throws {
        try requireOpenpyxl()
        let path = try python(Self.workbook, writing: "residents-2025Q1.xlsx")
        let book = try XLSXReader.read(try Data(contentsOf: URL(fileURLWithPath: path)))
        let sheet = try XCTUnwrap(book.sheets.first?.sheet)
        let result = TableImport.convert(sheet, dataset: residents)
        XCTAssertEqual(result.problems, [])
        XCTAssertEqual(rows(result.csv), [
            ["legal_status", "nationality", "sex", "age_group", "count", "source", "missing_reason", "comment"],
            ["TP", "SYR", "F", "ALL", "120", "admin_register", "", "2025-03-31"],
            ["TP", "SYR", "M", "ALL", "95", "admin_register", "", ""],
            ["TP", "SYR", "ALL", "ALL", "215", "admin_register", "", "toplam"],
            ["TP", "AFG", "F", "ALL", "", "", "not_collected", "2025-04-02T10:15:00"],
            ["TP", "IRQ", "F", "ALL", "7", "survey", "", "12.5"],
        ])
        XCTAssertEqual(result.notes.map(\.en), ["rows 1–1 above the header (a title) were left out"])
    }

    func testAWorkbookValueThatCannotBeConvertedIsReportedWithItsCell() throws {
        try requireOpenpyxl()
        let path = try python(#"""
            import sys, datetime
            from openpyxl import Workbook
            wb = Workbook()
            ws = wb.active
            ws.append(["legal_status", "nationality", "sex", "age_group", "count", "source", "missing_reason", "comment"])
            ws.append(["TP", "SYR", "F", "ALL", 12.5, "admin_register", None, None])
            ws.append(["TP", "SYR", "M", "ALL", datetime.date(2025, 1, 1), "admin_register", None, None])
            ws.append(["TP", "SYR", "ALL", "ALL", "=E2+E3", "admin_register", None, None])
            ws.append(["TP", "IRQ", "ALL", "ALL", True, "admin_register", None, None, "stray"])
            wb.save(sys.argv[1])
            """#, writing: "w.xlsx")
        let book = try XLSXReader.read(try Data(contentsOf: URL(fileURLWithPath: path)))
        let result = TableImport.convert(book.sheets[0].sheet, dataset: residents)
        XCTAssertNil(result.csv)
        let texts = result.problems.map(\.message.en)
        XCTAssertEqual(texts.sorted(), [
            "E2 (count): '12.5' is not a whole number; counts are whole numbers",
            "E3 (count): a date where a number belongs",
            "E4 (count): the cell holds a formula without a stored result (open and save the workbook in the spreadsheet program), not a value",
            "E5 (count): TRUE or FALSE where a number belongs",
            "I5: a value under no column header",
        ], texts.joined(separator: "\n"))
    }

    func testNotAWorkbookIsRefusedNotCrashed() {
        for bytes: [UInt8] in [[], Array("PK\u{3}\u{4}garbage".utf8), [UInt8](repeating: 0x50, count: 100)] {
            XCTAssertThrowsError(try XLSXReader.read(Data(bytes)))
        }
    }

    /// The template: every key the municipality reported and their ALL rows, in the code lists' order.
    func testTheTemplateHoldsTheReportedKeysAndTheirAllRows() throws {
        let earlier = Array(Tables.residents([("SYR", "F", 10), ("AFG", "M", 3)]).utf8)
        let repo = try templateCopy(dir)
        let codes = PeriodTemplate.codes(of: residents, package: package, source: DirectorySource(root: repo))
        XCTAssertEqual(codes["sex"], ["F", "M", "UNK", "ALL"])
        let t = PeriodTemplate(dataset: residents, earlier: [earlier], codes: codes)
        let keys = Set(t.keys.map(\.description))
        for k in ["TP|SYR|F|ALL", "TP|AFG|M|ALL", "ALL|ALL|ALL|ALL", "TP|ALL|ALL|ALL", "TP|SYR|ALL|ALL", "ALL|SYR|F|ALL", "TP|ALL|F|ALL", "ALL|AFG|ALL|ALL"] {
            XCTAssertTrue(keys.contains(k), k)
        }
        XCTAssertEqual(t.keys.count, 14)
        let csv = rows(t.csv())
        XCTAssertEqual(csv.count, 15)
        XCTAssertTrue(csv.dropFirst().allSatisfy { $0[4...].allSatisfy(\.isEmpty) })
    }
}


/// `gpmsync template` and `gpmsync import` through the binary in a municipality's clone.
final class SpreadsheetCommandTests: XCTestCase {
    var fx: Fixture!
    override func tearDown() { fx = nil }

    func testATemplateFilledInAndImportedValidates() throws {
        if (try? TestSupport.run("python3", ["-c", "import openpyxl"]).status) != 0 {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("openpyxl is missing: run scripts/setup.sh --tests") }
            throw XCTSkip("openpyxl is missing (scripts/setup.sh --tests installs it)")
        }
        fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy")])
        let clone = try fx.clone("k", org: "34-kadikoy", user: "ayse")
        try fx.write(clone, "municipalities/34-kadikoy/data/residents/2024Q4.csv", Tables.residents([("SYR", "F", 100), ("AFG", "M", 30)]))
        let book = fx.dir.sub("residents-2025Q1.xlsx")
        let made = try fx.gpmsync(["template", "residents", "2025Q1", "--xlsx", "--out", book], in: clone).check()
        XCTAssertTrue(made.stdout.contains("14 key row(s)"), made.stdout)
        XCTAssertEqual(try fx.gpmsync(["template", "residents", "2025Q1", "--xlsx", "--out", book], in: clone).status, 1, "never replaces a file")
        // Filled in as a person would: the two reported rows, every ALL row as their sum; the drop-down
        // lists are checked first.
        try TestSupport.run("python3", ["-c", #"""
            import sys
            from openpyxl import load_workbook
            wb = load_workbook(sys.argv[1])
            ws = wb["residents"]
            assert wb["lists"].sheet_state == "hidden"
            lists = {str(dv.sqref)[0]: dv for dv in ws.data_validations.dataValidation if dv.type == "list"}
            assert set(lists) == {"A", "B", "C", "D", "F", "G"}, sorted(lists)
            assert lists["C"].formula1.startswith("lists!"), lists["C"].formula1
            assert any(dv.type == "whole" for dv in ws.data_validations.dataValidation)
            header = [c.value for c in ws[1]]
            assert header[:5] == ["legal_status", "nationality", "sex", "age_group", "count"], header
            leaves = {("TP", "SYR", "F", "ALL"): 110, ("TP", "AFG", "M", "ALL"): 35}
            def total(key):
                return sum(v for k, v in leaves.items() if all(a == "ALL" or a == b for a, b in zip(key, k)))
            for row in ws.iter_rows(min_row=2):
                key = tuple(c.value for c in row[:4])
                if key[0] is None:
                    continue
                row[4].value = total(key)
                row[5].value = "admin_register"
            wb.save(sys.argv[1])
            """#, book]).check()
        let imported = try fx.gpmsync(["import", book], in: clone)
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stdout.contains("municipalities/34-kadikoy/data/residents/2025Q1.csv: 14 row(s)"), imported.stdout)
        let table = CSV.parse(Array(try String(contentsOfFile: clone + "/municipalities/34-kadikoy/data/residents/2025Q1.csv", encoding: .utf8).utf8))
        let counts = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.fields[0..<4].joined(separator: "|"), $0.fields[4]) })
        XCTAssertEqual(counts["ALL|ALL|ALL|ALL"], "145")
        XCTAssertEqual(counts["TP|SYR|F|ALL"], "110")
        XCTAssertEqual(counts["TP|ALL|M|ALL"], "35")
        let validated = try fx.gpmsync(["validate", "municipalities/34-kadikoy/data/residents/2025Q1.csv"], in: clone)
        XCTAssertEqual(validated.status, 0, validated.stdout + validated.stderr)
        // The CSV template goes to its place in the layout.
        try fx.gpmsync(["template", "residents", "2025Q2"], in: clone).check()
        XCTAssertTrue(FileManager.default.fileExists(atPath: clone + "/municipalities/34-kadikoy/data/residents/2025Q2.csv"))
    }

    func testImportPlacesAnExcelCSVAndRefusesWithoutWriting() throws {
        fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy")])
        let clone = try fx.clone("k", org: "34-kadikoy", user: "ayse")
        let excel = fx.dir.sub("kadikoy.csv")
        try TestSupport.run("python3", ["-c", ImportTests.excelTurkish, excel]).check()
        let target = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
        let r = try fx.gpmsync(["import", excel, "--to", target], in: clone)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let written = try String(contentsOfFile: clone + "/" + target, encoding: .utf8)
        XCTAssertTrue(written.hasPrefix(Tables.residentsHeader + "TP,SYR,F,ALL,1234,admin_register,,Şişli'den taşınan aileler; ığdır\n"), written)
        // Again: the place is taken now.
        XCTAssertEqual(try fx.gpmsync(["import", excel, "--to", target], in: clone).status, 1)
        // In place: a held-back Excel file in the layout becomes canonical where it is.
        let held = "municipalities/34-kadikoy/data/residents/2024Q4.csv"
        try FileManager.default.copyItem(atPath: excel, toPath: clone + "/" + held)
        XCTAssertEqual(try fx.gpmsync(["validate", held], in: clone).status, 1)
        try fx.gpmsync(["import", held], in: clone).check()
        XCTAssertEqual(try String(contentsOfFile: clone + "/" + held, encoding: .utf8), written)
        // A value that cannot be converted: listed with its cell, nothing written.
        let bad = fx.dir.sub("residents-2025Q2.csv")
        try TestSupport.write("legal_status;nationality;sex;age_group;count;source;missing_reason;comment\r\nTP;SYR;F;ALL;12,5;admin_register;;\r\n", to: bad)
        let refused = try fx.gpmsync(["import", bad], in: clone)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stdout.contains("line 2, column 5 (count): '12,5' is not a whole number"), refused.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: clone + "/municipalities/34-kadikoy/data/residents/2025Q2.csv"))
        // A name that says nothing: a usage error naming --to.
        let nameless = fx.dir.sub("export.csv")
        try TestSupport.write(Tables.residentsHeader, to: nameless)
        let unknown = try fx.gpmsync(["import", nameless], in: clone)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--to"), unknown.stderr)
    }
}
