import Foundation
import GPMCore
import GPMSync

/// `--format dhis2` (`dataValueSet.json`) and `--format dhis2-csv` (`dataValueSet.csv`, DHIS2's columns in
/// DHIS2's order): one data value per municipality, period, measure and row, through `exports/dhis2.yaml`.
/// The province totals are never sent (DHIS2 aggregates its own hierarchy), nor, unless the mapping says
/// `totals: combo`, the `ALL` rows that have parts (an `ALL` along a dimension the table does not break
/// down is the value itself and is sent). An empty or suppressed value is left out.
final class DHIS2Writer: TableWriter {
    static let csvHeader = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value", "storedby",
                            "lastupdated", "comment", "flwup"]
    let mapping: DHIS2Mapping
    let csv: Bool
    let file: OutputFile
    private var values = 0
    private var problems: [String] = []
    private var problemCount = 0
    private var leftOut: [String] = []
    private var current: DHIS2Mapping.DatasetMapping?

    init(directory: String, mapping: DHIS2Mapping, csv: Bool) throws {
        self.mapping = mapping
        self.csv = csv
        file = try OutputFile(directory + "/dataValueSet." + (csv ? "csv" : "json"))
        if csv {
            file.appendRow(Self.csvHeader)
        } else {
            // Id schemes in the payload take precedence over the import's query parameters (DHIS2's rule).
            file.append("{")
            for (name, value) in mapping.importParameters {
                file.appendJSONString(name); file.append(":"); file.appendJSONString(value); file.append(",")
            }
            file.append("\"dataValues\":[")
        }
    }

    /// DHIS2's period: `2025`, `2025Q1`, `202503`.
    static func period(_ text: String) -> String {
        guard let p = Period(text), p.type == .month else { return text }
        return text.replacingOccurrences(of: "-", with: "")
    }

    private func problem(_ text: String) {
        problemCount += 1
        if problems.count < 10 { problems.append(text) }
    }

    func begin(_ layout: TableLayout) throws {
        current = mapping.datasets[layout.dataset.name]
        if current == nil { leftOut.append(layout.dataset.name) }
    }

    func write(_ table: PeriodTable) throws {
        guard let current else { return }
        let layout = table.layout
        let period = Self.period(table.period)
        let elements = layout.measures.map { current.dataElements[$0.name] }
        let recomputable = mapping.sendTotals ? [] : table.totalsWithParts()
        var codes: [String] = []
        for row in 0..<table.rowCount {
            let unit = table.unit(ofRow: row)
            guard !table.unitIsTotal[unit] else { continue }
            // An ALL row DHIS2 can compute from parts that are sent is left to it; one without parts is data.
            if !mapping.sendTotals && recomputable[row] { continue }
            codes.removeAll(keepingCapacity: true)
            for d in layout.dimensions.indices { codes.append(table.code(row: row, dimension: d)) }
            guard let orgUnit = mapping.orgUnit(table.unitNames[unit]) else {
                problem("org unit \(table.unitNames[unit]) has no entry under orgUnits"); continue
            }
            guard let combo = current.combo(codes: codes, dimensions: layout.dimensions) else {
                problem("\(layout.dataset.name) \(codes.joined(separator: "|")) has no category option combo"); continue
            }
            for m in layout.measures.indices {
                guard let element = elements[m], let v = table.value(row: row, measure: m) else { continue }
                let comment = table.comment(row: row) ?? ""
                values += 1
                if csv {
                    file.appendRow([element, period, orgUnit, combo, mapping.attributeOptionCombo, String(v), "", "", comment, ""])
                } else {
                    file.append(values == 1 ? "\n{" : ",\n{")
                    file.append("\"dataElement\":"); file.appendJSONString(element)
                    file.append(",\"period\":"); file.appendJSONString(period)
                    file.append(",\"orgUnit\":"); file.appendJSONString(orgUnit)
                    file.append(",\"categoryOptionCombo\":"); file.appendJSONString(combo)
                    if !mapping.attributeOptionCombo.isEmpty {
                        file.append(",\"attributeOptionCombo\":"); file.appendJSONString(mapping.attributeOptionCombo)
                    }
                    file.append(",\"value\":"); file.appendJSONString(String(v))
                    if !comment.isEmpty { file.append(",\"comment\":"); file.appendJSONString(comment) }
                    file.append("}")
                }
            }
        }
    }

    func end(_ layout: TableLayout) throws {}

    func finish(_ context: ExportContext) throws -> [WrittenFile] {
        guard problemCount == 0 else {
            let list = problems.joined(separator: "; ") + (problemCount > problems.count ? "; and \(problemCount - problems.count) more" : "")
            throw GPMError(.invalid, en: "\(mapping.path) does not map everything: \(list)",
                           tr: "\(mapping.path) her şeyi eşlemiyor: \(list)")
        }
        if !csv { file.append("\n]}\n") }
        try file.commit()
        return [WrittenFile(path: file.path, rows: values, dataset: nil, note: leftOut.isEmpty ? nil : "no mapping for: " + leftOut.joined(separator: ", "))]
    }
}
