import Foundation

/// Builds the corpus: each bad file with what it must produce.
public struct Corpus {
    public struct Case {
        public var path: String
        public var bytes: [UInt8]
        /// `rule@line` (line 0 when none), warnings included.
        public var expected: Set<String>
    }

    static let header = "legal_status,nationality,sex,age_group,count,source,missing_reason,comment"
    /// A valid table with no warnings: totals consistent, no small cells.
    static let valid = [
        "TP,SYR,F,ALL,120,admin_register,,",
        "TP,SYR,M,ALL,100,admin_register,,",
        "TP,SYR,ALL,ALL,220,admin_register,,",
        "TP,AFG,F,ALL,30,admin_register,,",
        "TP,AFG,M,ALL,25,admin_register,,",
        "TP,AFG,ALL,ALL,55,admin_register,,",
    ]

    public var cases: [Case] = []

    public init() {}
    var counter = 0

    /// A residents table where row `index` (0-based in `valid`, line index + 2) is replaced.
    mutating func table(_ rows: [String], header: String = header, expect: Set<String>, dataset: String = "residents", period: String = "2025Q1") {
        counter += 1
        // Distinct past periods, so files do not collide and none is in the future.
        let unique = "\(1901 + counter % 120)Q\(1 + counter / 120)"
        let path = "municipalities/34-kadikoy/data/\(dataset)/\(period == "2025Q1" ? unique : period).csv"
        cases.append(Case(path: path, bytes: Array(([header] + rows).joined(separator: "\n").appending("\n").utf8), expected: expect))
    }

    mutating func replace(_ index: Int, with row: String, expect: Set<String>) {
        var rows = Self.valid
        rows[index] = row
        table(rows, expect: expect)
    }

    public mutating func buildCorpus() {
        let lines = 2...7
        // Structural: types, constraints, keys, code lists, cells.
        for (i, line) in zip(0..., lines) {
            let parts = Self.valid[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func with(_ k: Int, _ v: String) -> String { var p = parts; p[k] = v; return p.joined(separator: ",") }
            let isAll = parts[2] == "ALL"
            replace(i, with: with(4, "abc"), expect: ["type-error@\(line)"])
            replace(i, with: with(4, "1.5"), expect: ["type-error@\(line)"])
            replace(i, with: with(4, "12a"), expect: ["type-error@\(line)"])
            replace(i, with: with(4, "-7"), expect: ["constraint-error@\(line)"])
            replace(i, with: with(1, "XXX"), expect: ["foreign-key@\(line)"])
            replace(i, with: with(0, "REFUGEE"), expect: ["foreign-key@\(line)"])
            replace(i, with: with(3, "18-25"), expect: ["foreign-key@\(line)"])
            replace(i, with: with(5, "guess"), expect: ["foreign-key@\(line)"])
            replace(i, with: with(0, ""), expect: ["constraint-error@\(line)"])
            replace(i, with: parts.prefix(4).joined(separator: ","), expect: Set(["missing-cell@\(line)"]))
            replace(i, with: Self.valid[i] + ",x", expect: ["extra-cell@\(line)"])
            replace(i, with: with(4, "3"), expect: isAll ? ["small-cell@\(line)", "part-exceeds-total@\(line - 1)", "part-exceeds-total@\(line - 2)", "total-mismatch@\(line)"] : ["small-cell@\(line)"])
            replace(i, with: with(4, ""), expect: ["missing-reason@\(line)"])
            replace(i, with: with(6, "suppressed"), expect: ["missing-reason@\(line)"])
            replace(i, with: with(7, "TCKN 10000000146"), expect: ["pii-tckn@\(line)"])
            replace(i, with: with(7, "99123456789"), expect: ["pii-ykn@\(line)"])
            replace(i, with: with(7, "tel 0532 123 45 67"), expect: ["pii-phone@\(line)"])
            replace(i, with: with(7, "ayse@example.org"), expect: ["pii-email@\(line)"])
            replace(i, with: with(7, "TR33 0006 1005 1978 6457 8413 26"), expect: ["pii-iban@\(line)"])
        }
        // Keys, blank rows, labels.
        for i in 0..<6 {
            var rows = Self.valid
            rows.insert(Self.valid[i], at: 6)
            table(rows, expect: ["primary-key@8"])
            var blank = Self.valid
            blank.insert(i % 2 == 0 ? "" : ",,,,,,,", at: i)
            table(blank, expect: ["blank-row@\(i + 2)"])
        }
        let labels = Self.header.split(separator: ",").map(String.init)
        for k in 0..<labels.count {
            var wrong = labels
            wrong[k] = labels[k].uppercased()
            table(Self.valid, header: wrong.joined(separator: ","), expect: ["incorrect-label@1"])
        }
        table(Self.valid.map { $0 + ",x" }, header: Self.header + ",extra", expect: ["extra-label@1"])
        table(Self.valid.map { String($0.dropLast()) }, header: labels.dropLast().joined(separator: ","), expect: ["missing-label@1"])
        cases.append(Case(path: "municipalities/34-kadikoy/data/residents/1900Q1.csv", bytes: [], expected: ["missing-label@1"]))
        // Broken quoting and ragged rows.
        table(Self.valid + ["TP,IRQ,F,ALL,\"12,admin_register,,"], expect: ["source-error@8", "missing-cell@8", "type-error@8"])
        table(Self.valid + ["TP,IRQ,F,ALL,1\"2,admin_register,,"], expect: ["source-error@8", "type-error@8"])
        // Totals over every dimension, and a non-additive measure.
        table(["TP,SYR,F,ALL,120,admin_register,,", "TP,SYR,M,ALL,100,admin_register,,", "TP,SYR,UNK,ALL,0,admin_register,,",
               "TP,SYR,ALL,ALL,210,admin_register,,"], expect: ["total-mismatch@5"])
        table(["TP,SYR,F,ALL,120,admin_register,,", "TP,SYR,M,ALL,100,admin_register,,", "TP,SYR,UNK,ALL,0,admin_register,,",
               "TP,SYR,ALL,ALL,230,admin_register,,"], expect: ["total-mismatch@5"])
        table(["TP,SYR,F,ALL,120,admin_register,,", "TP,SYR,M,ALL,,,suppressed,", "TP,SYR,ALL,ALL,125,admin_register,,"], expect: [])
        table(["TP,SYR,F,0-4,20,admin_register,,", "TP,SYR,F,5-9,30,admin_register,,", "TP,SYR,F,ALL,40,admin_register,,"], expect: ["total-mismatch@4"])
        let sh = "service_area,legal_status,nationality,sex,age_group,unique_beneficiaries,service_contacts,source,missing_reason,comment"
        table(["education,TP,SYR,F,ALL,10,12,service_log,,", "health_referral,TP,SYR,F,ALL,10,10,service_log,,",
               "ALL,TP,SYR,F,ALL,15,22,service_log,,"], header: sh, expect: [], dataset: "services", period: "2025-03")
        table(["education,TP,SYR,F,ALL,10,12,service_log,,", "health_referral,TP,SYR,F,ALL,10,10,service_log,,",
               "ALL,TP,SYR,F,ALL,9,22,service_log,,"], header: sh, expect: ["total-mismatch@4", "part-exceeds-total@2", "part-exceeds-total@3"], dataset: "services", period: "2025-02")
        table(["education,TP,SYR,F,ALL,10,9,service_log,,"], header: sh, expect: ["contacts-below-beneficiaries@2"], dataset: "services", period: "2025-01")
        table(["education,TP,SYR,F,ALL,10,12,service_log,,"], header: sh, expect: ["bad-period@0"], dataset: "services", period: "2025Q1")
        table(Self.valid, expect: ["bad-period@0"], period: "2025-13")
        table(Self.valid, expect: ["future-period@0"], period: "2031Q1")
        table(Self.valid, expect: ["unknown-dataset@0"], dataset: "arrivals", period: "2025Q2")
        // Files outside the layout, bad encodings.
        cases.append(Case(path: "notes.txt", bytes: Array("x".utf8), expected: ["path-not-allowed@0"]))
        cases.append(Case(path: "municipalities/Kadıköy/profile.yaml", bytes: Array("x: 1".utf8), expected: ["path-not-allowed@0"]))
        cases.append(Case(path: "municipalities/34-kadikoy/data/residents/2025Q1.xlsx", bytes: [0x50, 0x4B], expected: ["path-not-allowed@0"]))
        cases.append(Case(path: "municipalities/34-kadikoy/data/residents/latin1.csv", bytes: Array((Self.header + "\nTP,SYR,F,ALL,12,admin_register,,Kad").utf8) + [0xFD, 0x0A], expected: ["encoding-error@2"]))
        cases.append(Case(path: "municipalities/34-kadikoy/data/residents/nul.csv", bytes: Array((Self.header + "\nTP,SYR,F,ALL,12,admin").utf8) + [0x00, 0x0A], expected: ["encoding-error@2"]))
        // Good-practice documents.
        let doc = Corpus.practice
        func practice(_ text: String, _ expect: Set<String>, id: String = "gp-2025-01-x") {
            let named = id == "gp-2025-01-x" ? text : text.replacingOccurrences(of: "id: gp-2025-01-x", with: "id: \(id)")
            cases.append(Case(path: "municipalities/34-kadikoy/practices/\(id).md", bytes: Array(named.utf8), expected: expect))
        }
        practice(doc, [])
        // Without front matter there is no `contact` section, so its e-mail counts as personal data.
        practice(doc.replacingOccurrences(of: "---\nid", with: "id"), ["front-matter@1", "pii-email@12"], id: "gp-2025-01-a")
        practice(doc.replacingOccurrences(of: "status: ongoing", with: "status: [unclosed"), ["front-matter@1"], id: "gp-2025-01-b")
        for (field, line) in [("status: ongoing\n", "status"), ("municipality: 34-kadikoy\n", "municipality"), ("themes: [language]\n", "themes"),
                              ("target_groups: [women]\n", "target_groups")] {
            practice(doc.replacingOccurrences(of: field, with: ""), ["missing-field@1"], id: "gp-2025-02-\(line.replacingOccurrences(of: "_", with: "-"))")
        }
        for (n, section) in ["## Özet\n", "## Bağlam\n", "## Faaliyetler\n", "## Sonuçlar\n", "## Çıkarılan dersler\n"].enumerated() {
            practice(doc.replacingOccurrences(of: section, with: ""), ["missing-section@15"], id: "gp-2025-03-s\(n)")
        }
        practice(doc.replacingOccurrences(of: "status: ongoing", with: "status: maybe"), ["front-matter@8"], id: "gp-2025-04-a")
        practice(doc.replacingOccurrences(of: "themes: [language]", with: "themes: [cooking]"), ["front-matter@9"], id: "gp-2025-04-b")
        practice(doc.replacingOccurrences(of: "  start: 2025-01-15", with: "  start: 2025-01-15\n  end: 2024-12-31"), ["front-matter@6"], id: "gp-2025-04-c")
        practice(doc.replacingOccurrences(of: "id: gp-2025-01-x", with: "id: gp-other"), ["front-matter@2"], id: "gp-2025-04-d")
        practice(doc.replacingOccurrences(of: "Kurs.", with: "Bilgi: ayse.kaya@gmail.com"), ["pii-email@16"], id: "gp-2025-05-a")
        practice(doc.replacingOccurrences(of: "Kurs.", with: "Aile reisi TCKN 10000000146"), ["pii-tckn@16"], id: "gp-2025-05-b")
        var bomb = "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var prev = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
            prev = name
        }
        practice(bomb + "---\n## Özet\n", ["front-matter@1"], id: "gp-2025-06-bomb")
        practice("---\nx: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n---\n", ["front-matter@1"], id: "gp-2025-06-deep")
    }

    static let practice = """
        ---
        id: gp-2025-01-x
        title:
          tr: Kurs
        municipality: 34-kadikoy
        period:
          start: 2025-01-15
        status: ongoing
        themes: [language]
        target_groups: [women]
        contact:
          unit: Sosyal Destek
          email: destek@kadikoy.bel.tr
        ---
        ## Özet
        Kurs.
        ## Bağlam
        ## Faaliyetler
        ## Sonuçlar
        ## Çıkarılan dersler

        """
}

