import Foundation
import GPMCore

/// Writes a data repository at Marmara scale: the template, and for each municipality of the code list
/// (190 by default) 36 months of `services` and 12 quarters of `residents`, about 250 rows a file, with
/// consistent totals, so validation does its full work on valid data.
public struct MarmaraGenerator {
    /// How the counts move from period to period.
    public enum Series: String, Sendable, CaseIterable {
        /// Each cell its own slowly moving series (`SeriesModel`), as municipal records are.
        case realistic
        /// The first generator's counts: a sawtooth that climbs by one a period and drops by 200 at random
        /// places, so the outlier rule has many findings to report.
        case noisy
    }

    public var municipalities = 190
    public var months = 36
    public var series = Series.realistic
    /// Levels from about 15 to 400 for most cells, as the tables of one district's services are.
    public var model: SeriesModel = {
        var m = SeriesModel(seed: 1)
        m.levelMedian = 80
        m.levelSpread = 1.0
        return m
    }()
    /// The last month generated (inclusive); periods end before it so none is in the future.
    public var end = (year: 2025, month: 12)

    public init() {}

    static let nationalities = ["SYR", "AFG", "IRQ", "IRN", "UZB", "TKM", "UKR"]

    public struct Summary: Sendable { public var files: Int; public var rows: Int; public var bytes: Int; public var orgs: [String] }

    /// Writes the tree under `root` (which must not exist yet).
    public func write(to root: String, template: [String: String]) throws -> Summary {
        for (path, text) in template {
            try createFile(root + "/" + path, Array(text.utf8))
        }
        let orgs = orgs(template)
        var files = 0, rows = 0, bytes = 0
        var monthList: [(Int, Int)] = []
        var y = end.year, m = end.month
        for _ in 0..<months { monthList.insert((y, m), at: 0); m -= 1; if m == 0 { m = 12; y -= 1 } }
        for (o, org) in orgs.enumerated() {
            try createFile(root + "/municipalities/\(org)/profile.yaml", Array("org_unit: \(org)\ncontact:\n  unit: Göç Masası\n".utf8))
            for (i, (yy, mm)) in monthList.enumerated() {
                let services = servicesTable(seed: o * 1000 + i, org: o, month: i)
                try createFile(root + "/municipalities/\(org)/data/services/\(yy)-\(mm < 10 ? "0" : "")\(mm).csv", services.bytes)
                files += 1; rows += services.rows; bytes += services.bytes.count
                if mm % 3 == 0 {
                    let residents = residentsTable(seed: o * 1000 + i, org: o, quarter: i / 3)
                    try createFile(root + "/municipalities/\(org)/data/residents/\(yy)Q\(mm / 3).csv", residents.bytes)
                    files += 1; rows += residents.rows; bytes += residents.bytes.count
                }
            }
        }
        return Summary(files: files, rows: rows, bytes: bytes, orgs: orgs)
    }

    /// The municipalities generated: the first of the code list.
    public func orgs(_ template: [String: String]) -> [String] {
        Array(CSV.parse(Array(template["codelists/org_units.csv"]!.utf8)).rows.map { $0.fields[0] }.prefix(municipalities))
    }

    /// 3 legal statuses × 7 nationalities × 4 age groups × (F, M, ALL) = 252 rows; ALL = F + M.
    func residentsTable(seed: Int, org: Int, quarter: Int) -> (bytes: [UInt8], rows: Int) {
        var out = Array("legal_status,nationality,sex,age_group,count,source,missing_reason,comment\n".utf8)
        var n = 0
        for (l, legal) in ["TP", "IP_APPLICANT", "RP_SHORT"].enumerated() {
            for (k, nat) in Self.nationalities.enumerated() {
                for (a, age) in ["0-4", "5-9", "19-24", "25-29"].enumerated() {
                    var f = 20 + (seed + l * 31 + k * 7 + a * 3) % 400, m = 25 + (seed + l * 17 + k * 5 + a) % 380
                    if series == .realistic {
                        let row = UInt64(((l * 7 + k) * 4 + a) * 2)
                        f = count(org: org, dataset: 0, row: row, period: quarter, monthsPerPeriod: 3)
                        m = count(org: org, dataset: 0, row: row + 1, period: quarter, monthsPerPeriod: 3)
                    }
                    for (sex, v) in [("F", f), ("M", m), ("ALL", f + m)] {
                        out += Array("\(legal),\(nat),\(sex),\(age),\(v),admin_register,,\n".utf8)
                        n += 1
                    }
                }
            }
        }
        return (out, n)
    }

    /// 3 service areas × 2 legal statuses × 7 nationalities × 2 age groups × (F, M, ALL) = 252 rows.
    func servicesTable(seed: Int, org: Int, month: Int) -> (bytes: [UInt8], rows: Int) {
        var out = Array("service_area,legal_status,nationality,sex,age_group,unique_beneficiaries,service_contacts,source,missing_reason,comment\n".utf8)
        var n = 0
        for (s, area) in ["education", "language_course", "health_referral"].enumerated() {
            for (l, legal) in ["TP", "IP_STATUS"].enumerated() {
                for (k, nat) in Self.nationalities.enumerated() {
                    for (a, age) in ["19-24", "25-29"].enumerated() {
                        var f = 10 + (seed + s * 13 + l * 7 + k * 3 + a) % 200, m = 12 + (seed + s * 11 + l * 5 + k + a) % 190
                        var (cf, cm) = (f + f / 2, m + m / 2)
                        if series == .realistic {
                            let row = UInt64((((s * 2 + l) * 7 + k) * 2 + a) * 2)
                            f = count(org: org, dataset: 1, row: row, period: month, monthsPerPeriod: 1)
                            m = count(org: org, dataset: 1, row: row + 1, period: month, monthsPerPeriod: 1)
                            (cf, cm) = (contacts(f, org: org, row: row), contacts(m, org: org, row: row + 1))
                        }
                        for (sex, v, c) in [("F", f, cf), ("M", m, cm), ("ALL", f + m, cf + cm)] {
                            out += Array("\(area),\(legal),\(nat),\(sex),\(age),\(v),\(c),service_log,,\n".utf8)
                            n += 1
                        }
                    }
                }
            }
        }
        return (out, n)
    }

    /// A part's count from its own series: the cell is the municipality, the dataset and the row.
    func count(org: Int, dataset: UInt64, row: UInt64, period: Int, monthsPerPeriod: Int) -> Int {
        let cell = model.cell(UInt64(org) << 32 | dataset << 24 | row)
        return model.value(cell, period: period, monthsPerPeriod: monthsPerPeriod)
    }

    /// Service contacts: each beneficiary comes 1.2 to 2 times, a rate of the cell's own.
    func contacts(_ beneficiaries: Int, org: Int, row: UInt64) -> Int {
        var draw = SeriesModel.Draw(model.seed, UInt64(org) << 32 | 1 << 24 | row, 0xC0)
        return beneficiaries + Int((Double(beneficiaries) * draw.uniform(0.2...1.0)).rounded())
    }

    func createFile(_ path: String, _ bytes: [UInt8]) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: dir) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
