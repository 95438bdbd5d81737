import Foundation
import GPMCore
import CoreTestSupport
import XCTest

final class ValidatorTests: XCTestCase {
    static let residentsHeader = "legal_status,nationality,sex,age_group,count,source,missing_reason,comment\n"
    static let servicesHeader = "service_area,legal_status,nationality,sex,age_group,unique_beneficiaries,service_contacts,source,missing_reason,comment\n"
    static let today = ISO8601DateFormatter().date(from: "2026-11-25T12:00:00Z")!

    func validator(_ root: String) -> Validator { Validator(source: DirectorySource(root: root), today: Self.today) }

    func testTheTemplateIsValid() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let diagnostics = validator(root).validateAll()
        XCTAssertEqual(diagnostics, [])
        XCTAssertNotNil(validator(root).package?.dataset(named: "residents"))
        XCTAssertEqual(validator(root).codeLists["org_units"]?.contains("34-kadikoy"), true)
        XCTAssertEqual(validator(root).codeLists["org_units"]?.contains("34-istanbul-bb"), true)
        XCTAssertEqual(validator(root).codeLists["nationalities"]?.contains("SYR"), true)
    }

    /// The personal-data guard reads every line of every file: labels and extra columns of a table, a table
    /// of an unknown dataset or period, a file outside the layout, a README, datapackage.json, and a file in
    /// Windows-1254 (decoded for the scan, the number found on its line).
    func testPersonalDataIsFoundInEveryFileAndCell() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let id = "10000000146"
        let files: [String: [UInt8]] = [
            "municipalities/34-kadikoy/data/residents/2025Q1.csv": Array((Self.residentsHeader.dropLast() + ",note\nTP,SYR,F,ALL,120,admin_register,,,\(id)\n").utf8),
            "municipalities/34-kadikoy/data/residents/2024Q4.csv": Array((Self.residentsHeader.dropLast() + ",\(id)\nTP,SYR,F,ALL,120,admin_register,,\n").utf8),
            "municipalities/34-kadikoy/data/residents/2024Q3.csv": Array((Self.residentsHeader + "TP,SYR,F,ALL,120,admin_register,,,,,\(id)\n").utf8),
            "municipalities/34-kadikoy/data/people/2025Q1.csv": Array("a,b\nx,\(id)\n".utf8),
            "municipalities/34-kadikoy/data/residents/2025-13.csv": Array("a,b\nx,\(id)\n".utf8),
            "municipalities/34-kadikoy/beneficiaries.csv": Array("name,id\nx,\(id)\n".utf8),
            "README.md": Array("# x\n\ncall 0532 123 45 67\n".utf8),
            "municipalities/34-kadikoy/data/residents/2024Q2.csv": Array(Self.residentsHeader.utf8) + [0x4B, 0x61, 0x64, 0xFD, 0x6B, 0xF6, 0x79, 0x0A]
                + Array("TP,SYR,F,ALL,120,admin_register,,\(id)\n".utf8),
        ]
        for (path, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: root + "/" + path).creatingFolders()) }
        let found = validator(root).validateAll().filter(\.isPersonalData)
        XCTAssertEqual(Set(found.map(\.path)), Set(files.keys), "\(found)")
        XCTAssertEqual(found.first { $0.path.hasSuffix("2024Q2.csv") }?.line, 3)
        XCTAssertEqual(PersonalData.windows1254([0x4B, 0x61, 0x64, 0xFD, 0x6B, 0xF6, 0x79, 0x20, 0xDE, 0xF0, 0x80]), "Kadıköy Şğ€")
    }

    func testAValidResidentsTableWithTotals() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        try write(Self.residentsHeader + """
        TP,SYR,F,ALL,120,admin_register,,
        TP,SYR,M,ALL,100,admin_register,,
        TP,SYR,ALL,ALL,220,admin_register,,
        TP,SYR,UNK,ALL,0,admin_register,,

        """, to: root + "/municipalities/34-kadikoy/data/residents/2025Q1.csv")
        XCTAssertEqual(validator(root).validateAll(), [])
    }

    func testStructuralAndDomainRules() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let path = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
        try write(Self.residentsHeader + """
        TP,SYR,F,ALL,120,admin_register,,
        TP,SYR,M,ALL,130,admin_register,,
        TP,SYR,ALL,ALL,220,admin_register,,
        TP,XXX,F,ALL,5,admin_register,,
        TP,SYR,F,ALL,1,admin_register,,
        TP,IRQ,F,ALL,,,,
        TP,AFG,F,ALL,abc,admin_register,,
        TP,AFG,M,ALL,3,admin_register,,

        """, to: root + "/" + path)
        let d = validator(root).validate(paths: [path])
        let found = Set(d.map { "\($0.line ?? 0):\($0.rule)" })
        XCTAssertTrue(found.contains("5:foreign-key"), "\(found)")
        XCTAssertTrue(found.contains("6:primary-key"), "\(found)")
        XCTAssertTrue(found.contains("7:missing-reason"), "\(found)")
        XCTAssertTrue(found.contains("8:type-error"), "\(found)")
        XCTAssertTrue(found.contains("9:small-cell"), "\(found)")
        XCTAssertTrue(found.contains("4:total-mismatch"), "\(found)")
        XCTAssertTrue(found.contains("3:part-exceeds-total") == false)
        XCTAssertEqual(d.first { $0.rule == "small-cell" }?.severity, .warning)
        XCTAssertFalse(d.first { $0.rule == "type-error" }!.message.tr.isEmpty)
    }

    func testNonAdditiveBeneficiaries() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let path = "municipalities/16-nilufer/data/services/2025-03.csv"
        // One person in two service areas: unique_beneficiaries ALL (15) is below the sum (20) — fine;
        // service_contacts is additive and must add up.
        try write(Self.servicesHeader + """
        education,TP,SYR,F,ALL,10,12,service_log,,
        health_referral,TP,SYR,F,ALL,10,10,service_log,,
        ALL,TP,SYR,F,ALL,15,22,service_log,,
        language_course,TP,SYR,M,ALL,10,9,service_log,,

        """, to: root + "/" + path)
        let d = validator(root).validate(paths: [path])
        XCTAssertEqual(d.map(\.rule), ["contacts-below-beneficiaries"], "\(d)")
        try write(Self.servicesHeader + """
        education,TP,SYR,F,ALL,10,12,service_log,,
        health_referral,TP,SYR,F,ALL,10,10,service_log,,
        ALL,TP,SYR,F,ALL,8,21,service_log,,

        """, to: root + "/" + path)
        let e = validator(root).validate(paths: [path])
        XCTAssertEqual(Set(e.map(\.rule)), ["total-mismatch", "part-exceeds-total"], "\(e)")
    }

    func testRepositoryLevelChecks() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        try write("x", to: root + "/notes.txt")
        try write(Self.residentsHeader, to: root + "/municipalities/34-kadikoy/data/unknown/2025Q1.csv")
        try write(Self.residentsHeader, to: root + "/municipalities/34-kadikoy/data/residents/2025-03.csv")
        try write(Self.residentsHeader, to: root + "/municipalities/34-kadikoy/data/residents/2030Q1.csv")
        try FileManager.default.createSymbolicLink(atPath: root + "/municipalities/34-kadikoy/data/residents/2025Q2.csv", withDestinationPath: "/etc/passwd")
        var latin1 = Array(Self.residentsHeader.utf8)
        latin1 += [0x54, 0x50, 0x2C, 0xFE, 0x0A]
        try Data(latin1).write(to: URL(fileURLWithPath: root + "/municipalities/34-kadikoy/data/residents/2025Q3.csv"))
        let rules = Dictionary(validator(root).validateAll().map { ($0.path, $0.rule) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(rules["notes.txt"], "path-not-allowed")
        XCTAssertEqual(rules["municipalities/34-kadikoy/data/unknown/2025Q1.csv"], "unknown-dataset")
        XCTAssertEqual(rules["municipalities/34-kadikoy/data/residents/2025-03.csv"], "bad-period")
        XCTAssertEqual(rules["municipalities/34-kadikoy/data/residents/2030Q1.csv"], "future-period")
        XCTAssertEqual(rules["municipalities/34-kadikoy/data/residents/2025Q2.csv"], "symlink")
        XCTAssertEqual(rules["municipalities/34-kadikoy/data/residents/2025Q3.csv"], "encoding-error")
    }

    /// A FIFO where an earlier period's file would be: the outlier rule's read of it must not wait for a writer.
    func testAFIFOInTheTreeIsNeverWaitedOn() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let folder = root + "/municipalities/34-kadikoy/data/residents"
        try write(Self.residentsHeader + "TP,SYR,F,ALL,120,admin_register,,\n", to: folder + "/2025Q1.csv")
        XCTAssertEqual(mkfifo(folder + "/2024Q4.csv", 0o644), 0)
        let v = validator(root)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = v.validate(paths: ["municipalities/34-kadikoy/data/residents/2025Q1.csv"])
            _ = v.validateAll()
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "validation waited on a FIFO")
    }

    func testPracticeDocument() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let good = """
        ---
        id: gp-2025-01-women-language-course
        title:
          tr: Kadınlar için Türkçe kursu
          en: Turkish course for women
        municipality: 34-kadikoy
        period:
          start: 2025-01-15
        status: ongoing
        themes: [language, women]
        target_groups: [women]
        contact:
          unit: Sosyal Destek Hizmetleri
          email: gocmerkezi@kadikoy.bel.tr
        sdg_targets: ["10.7"]
        gcm_objectives: [16]
        ---
        ## Özet
        Kurs.
        ## Bağlam
        ## Faaliyetler
        ## Sonuçlar
        ## Çıkarılan dersler

        """
        let path = "municipalities/34-kadikoy/practices/gp-2025-01-women-language-course.md"
        try write(good, to: root + "/" + path)
        XCTAssertEqual(validator(root).validate(paths: [path]), [])
        let bad = good.replacingOccurrences(of: "status: ongoing\n", with: "")
            .replacingOccurrences(of: "## Sonuçlar\n", with: "")
            .replacingOccurrences(of: "Kurs.", with: "Contact ayse@gmail.com or 0532 111 22 33")
        try write(bad, to: root + "/" + path)
        let rules = validator(root).validate(paths: [path]).map { "\($0.rule)@\($0.line ?? 0)" }.sorted()
        XCTAssertEqual(rules, ["missing-field@1", "missing-section@17", "pii-email@18", "pii-phone@18"], "\(rules)")
    }
}

final class OutlierTests: XCTestCase {
    let today = ISO8601DateFormatter().date(from: "2026-11-25T12:00:00Z")!

    func write(_ root: String, _ period: String, _ count: Int) throws {
        try CoreTestSupport.write(ValidatorTests.residentsHeader + "TP,SYR,F,ALL,\(count),admin_register,,\n",
                              to: root + "/municipalities/34-kadikoy/data/residents/\(period).csv")
    }

    func outliers(_ root: String, _ period: String) -> [Diagnostic] {
        Validator(source: DirectorySource(root: root), today: today)
            .validate(paths: ["municipalities/34-kadikoy/data/residents/\(period).csv"]).filter { $0.rule == "outlier" }
    }

    /// Quarters from 2023Q1 on, one value each; returns the quarter after the last.
    func writeSeries(_ root: String, _ values: [Int]) throws -> String {
        var period = Period("2023Q1")!
        for v in values {
            try write(root, period.description, v)
            period = Period("\(period.year + (period.part == 4 ? 1 : 0))Q\(period.part % 4 + 1)")!
        }
        return period.description
    }

    /// A digit added or lost against the one earlier period is flagged and says what it was compared with;
    /// half again more (flagged before the rule was calibrated) is not.
    func testTypingErrorAgainstOnePeriod() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        try write(root, "2025Q1", 100)
        try write(root, "2025Q2", 1000)
        let up = outliers(root, "2025Q2")
        XCTAssertEqual(up.map(\.line), [2])
        XCTAssertEqual(up.first?.severity, .warning)
        XCTAssertEqual(up.first?.message.en, "count = 1000 is unusual: 10.0 times the value of its one earlier period, 100")
        XCTAssertEqual(up.first?.message.tr, "count = 1000 olağan dışı: önceki tek dönemdeki 100 değerinin 10,0 katı")
        try write(root, "2025Q2", 10)
        XCTAssertEqual(outliers(root, "2025Q2").first?.message.en, "count = 10 is unusual: 10.0 times less than the value of its one earlier period, 100")
        try write(root, "2025Q2", 160)
        XCTAssertEqual(outliers(root, "2025Q2"), [])
        try write(root, "2025Q2", 60)
        XCTAssertEqual(outliers(root, "2025Q2"), [])
    }

    /// Against the median of the filed periods among the last twelve: a value far from the series is flagged
    /// with the median and the range; one within its usual movement is not, and neither is a value after an
    /// earlier typing error the median ignores.
    func testAgainstTheMedianOfTheSeries() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let next = try writeSeries(root, [100, 104, 98, 101, 97, 1030, 99, 102])
        try write(root, next, 1010)
        XCTAssertEqual(outliers(root, next).map(\.message.en),
                       ["count = 1010 is unusual: 10.0 times the median of its 8 earlier periods, 100.5 (they ranged from 97 to 1030)"])
        XCTAssertEqual(outliers(root, next).first?.message.tr,
                       "count = 1010 olağan dışı: önceki 8 dönemin ortancası olan 100,5 değerinin 10,0 katı (bu dönemlerde 97 ile 1030 arasındaydı)")
        for ordinary in [140, 60, 103, 180] {
            try write(root, next, ordinary)
            XCTAssertEqual(outliers(root, next), [], "\(ordinary)")
        }
        try write(root, next, 0)
        XCTAssertEqual(outliers(root, next).first?.message.en,
                       "count = 0 is unusual: compared with the median of its 8 earlier periods, 100.5 (they ranged from 97 to 1030)")
    }

    /// Small counts move by more than their ratio suggests: 12 after a few 2s and 3s is counting noise.
    func testSmallCountsAreNotFlagged() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let next = try writeSeries(root, [2, 3, 0, 2, 5, 1])
        for v in [12, 0, 9] {
            try write(root, next, v)
            XCTAssertEqual(outliers(root, next), [], "\(v)")
        }
        try write(root, next, 60)
        XCTAssertEqual(outliers(root, next).count, 1)
    }

    /// A cell that swings between 100 and 300 gets a wider band than a steady one, never wider than 5 times.
    func testTheCellsOwnSpreadWidensTheBand() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let next = try writeSeries(root, [100, 300, 110, 290, 95, 310, 105, 280, 100, 300, 98, 305])
        try write(root, next, 700)
        XCTAssertEqual(outliers(root, next), [])
        try write(root, next, 3000)
        XCTAssertEqual(outliers(root, next).count, 1)
    }

    /// Counts at the edge of a 64-bit integer, as value or as history: compared, reported, never a trap.
    func testHugeCountsNeverTrap() throws {
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        for (before, after) in [(1, 100_000_000_000_000_000), (0, Int.max), (Int.max, 1), (Int.max, 0), (Int.max - 1, Int.max)] {
            try write(root, "2025Q1", before)
            try write(root, "2025Q2", after)
            let found = outliers(root, "2025Q2")
            XCTAssertEqual(found.count, before == Int.max - 1 ? 0 : 1, "\(before) → \(after)")
            if let m = found.first?.message { XCTAssertTrue(m.en.contains("\(after)") && m.tr.contains("\(after)"), m.en) }
        }
    }
}

extension URL {
    /// The URL, after making its folder.
    func creatingFolders() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
