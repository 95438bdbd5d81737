import Foundation
import GPMCore

/// `--format datapackage`: per dataset one consolidated table (`data/<dataset>.csv`: period, province and
/// org unit as columns, then the dimensions, the measures, the source and why a value is empty), a
/// `datapackage.json` that Frictionless accepts, and a README of provenance.
final class DataPackageWriter: TableWriter {
    let directory: String
    private var file: OutputFile?
    private var written: [WrittenFile] = []
    private var resources: [[String: Any]] = []

    init(directory: String) { self.directory = directory }

    static let reasons = ["not_collected", "not_applicable", "suppressed"]

    func begin(_ layout: TableLayout) throws {
        let file = try OutputFile(directory + "/data/" + layout.dataset.name + ".csv")
        file.appendRow(columns(layout))
        self.file = file
    }

    private func columns(_ layout: TableLayout) -> [String] {
        ["period", "province", "org_unit"] + layout.dimensions + layout.measures.map(\.name) + ["source", "missing_reason"]
    }

    func write(_ table: PeriodTable) throws {
        guard let file else { return }
        let layout = table.layout
        var fields: [String] = []
        for row in 0..<table.rowCount {
            let unit = table.unit(ofRow: row)
            fields.removeAll(keepingCapacity: true)
            fields.append(table.period)
            fields.append(table.unitProvince[unit])
            fields.append(table.unitNames[unit])
            for d in layout.dimensions.indices { fields.append(table.code(row: row, dimension: d)) }
            var reason: String?
            for m in layout.measures.indices {
                if let v = table.value(row: row, measure: m) { fields.append(String(v)); continue }
                fields.append("")
                let r = table.missingReason(row: row, measure: m)
                if reason == nil || r == "suppressed" { reason = r }
            }
            fields.append(table.source(row: row) ?? "")
            fields.append(reason ?? "")
            file.appendRow(fields)
        }
    }

    func end(_ layout: TableLayout) throws {
        guard let file else { return }
        try file.commit()
        let name = layout.dataset.name
        written.append(WrittenFile(path: file.path, rows: file.rows - 1, dataset: name))
        self.file = nil
        var fields: [[String: Any]] = [
            ["name": "period", "type": "string", "title": "Period (2025, 2025Q1 or 2025-03)",
             "constraints": ["required": true, "pattern": "[0-9]{4}(Q[1-4]|-(0[1-9]|1[0-2]))?"] as [String: Any]],
            ["name": "province", "type": "string", "title": "Province (plate number)", "constraints": ["required": true] as [String: Any]],
            ["name": "org_unit", "type": "string", "title": "Municipality (org unit), or ALL for the province's district municipalities",
             "constraints": ["required": true] as [String: Any]],
        ]
        for d in layout.dimensions {
            fields.append(["name": d, "type": "string", "constraints": ["required": true] as [String: Any]])
        }
        for m in layout.measures {
            var f: [String: Any] = ["name": m.name, "type": "integer", "constraints": ["minimum": 0] as [String: Any]]
            if !m.nonAdditiveOver.isEmpty { f["nonAdditiveOver"] = m.nonAdditiveOver.sorted() }
            fields.append(f)
        }
        fields.append(["name": "source", "type": "string", "title": "Source of the figure"])
        fields.append(["name": "missing_reason", "type": "string", "title": "Why a value is empty",
                       "constraints": ["enum": Self.reasons + [""]] as [String: Any]])
        resources.append([
            "name": name, "path": "data/\(name).csv", "profile": "tabular-data-resource", "format": "csv",
            "encoding": "utf-8", "mediatype": "text/csv",
            "schema": ["fields": fields, "missingValues": [""],
                       "primaryKey": ["period", "province", "org_unit"] + layout.dimensions] as [String: Any],
        ])
    }

    func finish(_ context: ExportContext) throws -> [WrittenFile] {
        let package: [String: Any] = [
            "name": "gpm-migration-records-published", "profile": "tabular-data-package",
            "title": "GPM migration records of Marmara municipalities, as published",
            "version": String(context.snapshot.commit.prefix(12)),
            "licenses": [["name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"]] as [[String: Any]],
            "created": ISO8601DateFormatter().string(from: Date()),
            "resources": resources,
        ]
        let json = try JSONSerialization.data(withJSONObject: package, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let descriptor = try OutputFile(directory + "/datapackage.json")
        descriptor.append(Array(json) + [0x0A])
        try descriptor.commit()
        let readme = try OutputFile(directory + "/README.md")
        readme.append(Provenance.readme(context, files: written))
        try readme.commit()
        return written + [WrittenFile(path: descriptor.path, rows: 0, dataset: nil), WrittenFile(path: readme.path, rows: 0, dataset: nil)]
    }
}
