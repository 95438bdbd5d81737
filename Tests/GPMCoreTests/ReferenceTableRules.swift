import Foundation
@testable import GPMCore

// The validator's table rules as they were first written, over `CSV.Table` strings: kept as the oracle
// that the byte-level engine (`RecordCheck`) must agree with, diagnostic for diagnostic.

/// A row that passed the structural checks, with its measures read as integers (nil when empty).
struct RefTypedRow {
    var line: Int
    /// Values of the primary-key fields, in key order.
    var key: [String]
    /// The key as one string, for cheap lookups across periods.
    var id: String { key.joined(separator: "\u{1F}") }
    /// Values of the schema's measures, in `schema.measures` order.
    var measures: [Int?]
    var missingReason: String
}

/// Structural checks of one table against its schema (Frictionless rule ids), then the domain rules
/// (totals, contacts, missing reasons, small cells) and the personal-data guard on every cell.
struct ReferenceTableRules {
    let path: String
    let dataset: Dataset
    let codeLists: CodeLists
    private(set) var typedRows: [RefTypedRow] = []

    init(path: String, dataset: Dataset, codeLists: CodeLists) {
        self.path = path
        self.dataset = dataset
        self.codeLists = codeLists
    }

    private var schema: TableSchema { dataset.schema }

    mutating func check(_ table: CSV.Table) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for p in table.problems {
            out.append(Diagnostic(path: path, line: p.line, rule: "source-error", message: Messages.malformed(p.message)))
        }
        if table.header.isEmpty {
            out.append(Diagnostic(path: path, line: 1, rule: "missing-label", message: Messages.emptyFile()))
            return out
        }
        let fields = schema.fields
        for (i, label) in table.header.enumerated() {
            if i >= fields.count {
                out.append(Diagnostic(path: path, line: 1, field: label, rule: "extra-label", message: Messages.extraLabel(label)))
            } else if label != fields[i].name {
                out.append(Diagnostic(path: path, line: 1, field: fields[i].name, rule: "incorrect-label",
                                      message: Messages.incorrectLabel(label, fields[i].name)))
            }
        }
        for f in fields.dropFirst(table.header.count) {
            out.append(Diagnostic(path: path, line: 1, field: f.name, rule: "missing-label", message: Messages.missingLabel(f.name)))
        }

        let keyIndexes = schema.primaryKey.compactMap { schema.index(of: $0) }
        let measureIndexes = schema.measures.compactMap { m in schema.index(of: m.name) }
        let reasonIndex = schema.index(of: "missing_reason")
        let foreignKeys: [(Int, Set<String>, String)] = schema.foreignKeys.compactMap { fk in
            guard let i = schema.index(of: fk.field), let codes = codeLists[fk.resource] else { return nil }
            return (i, codes, fk.resource)
        }
        let patterns: [Int: Regex<AnyRegexOutput>] = Dictionary(uniqueKeysWithValues: fields.enumerated().compactMap { i, f in
            guard let p = f.pattern, let r = try? Regex("^(?:" + p + ")$") else { return nil }
            return (i, r)
        })
        var seenKeys: [[String]: Int] = [:]
        seenKeys.reserveCapacity(table.rows.count)

        for row in table.rows {
            if row.isBlank {
                out.append(Diagnostic(path: path, line: row.line, rule: "blank-row", message: Messages.blankRow()))
                continue
            }
            var rowValid = true
            let cells = row.fields
            // As Frictionless: cells beyond the header are extra, cells short of it are missing (a column
            // without a label was already reported as a missing label).
            if cells.count > table.header.count {
                for _ in table.header.count..<cells.count {
                    out.append(Diagnostic(path: path, line: row.line, rule: "extra-cell", message: Messages.extraCell(cells.count - table.header.count)))
                }
                rowValid = false
            }
            for (i, f) in fields.enumerated() {
                guard i < cells.count else {
                    guard i < table.header.count else { rowValid = false; continue }
                    if f.required || keyIndexes.contains(i) {
                        out.append(Diagnostic(path: path, line: row.line, field: f.name, rule: "constraint-error", message: Messages.required()))
                    }
                    out.append(Diagnostic(path: path, line: row.line, field: f.name, rule: "missing-cell", message: Messages.missingCell(f.name)))
                    rowValid = false
                    continue
                }
                let v = cells[i]
                for finding in PersonalData.scan(v) {
                    out.append(Diagnostic(path: path, line: row.line, field: f.name, rule: finding.rule,
                                          message: PersonalData.message(for: finding.rule)))
                }
                if schema.missingValues.contains(v) {
                    if f.required || keyIndexes.contains(i) {
                        out.append(Diagnostic(path: path, line: row.line, field: f.name, rule: "constraint-error", message: Messages.required()))
                        rowValid = false
                    }
                    continue
                }
                if let problem = typeProblem(v, f) {
                    out.append(Diagnostic(path: path, line: row.line, field: f.name, rule: "type-error", message: problem))
                    rowValid = false
                    continue
                }
                if let problem = constraintProblem(v, f, patterns[i]) {
                    out.append(Diagnostic(path: path, line: row.line, field: f.name, rule: "constraint-error", message: problem))
                    rowValid = false
                }
            }
            let key = keyIndexes.map { $0 < cells.count ? cells[$0] : "" }
            if !key.contains(where: \.isEmpty) {
                if let first = seenKeys[key] {
                    out.append(Diagnostic(path: path, line: row.line, field: schema.primaryKey.joined(separator: ","),
                                          rule: "primary-key", message: Messages.primaryKey(key.joined(separator: ", "), first)))
                    rowValid = false
                } else {
                    seenKeys[key] = row.line
                }
            }
            for (i, codes, list) in foreignKeys where i < cells.count {
                let v = cells[i]
                if !v.isEmpty && !codes.contains(v) {
                    out.append(Diagnostic(path: path, line: row.line, field: fields[i].name, rule: "foreign-key",
                                          message: Messages.foreignKey(v, list)))
                    rowValid = false
                }
            }
            if rowValid {
                typedRows.append(RefTypedRow(
                    line: row.line, key: key,
                    measures: measureIndexes.map { parseInteger(cells[$0]) },
                    missingReason: reasonIndex.map { cells[$0] } ?? ""))
            }
        }
        out += domainRules()
        return out.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }

    private func typeProblem(_ v: String, _ f: Field) -> Message? {
        switch f.type {
        case .integer: return parseInteger(v) == nil ? Messages.typeError(v, .integer) : nil
        case .number: return Double(v) == nil ? Messages.typeError(v, .number) : nil
        case .boolean: return ["true", "false", "True", "False", "TRUE", "FALSE", "1", "0"].contains(v) ? nil : Messages.typeError(v, .boolean)
        case .date: return isISODate(v) ? nil : Messages.typeError(v, .date)
        case .string, .any: return nil
        }
    }

    private func constraintProblem(_ v: String, _ f: Field, _ pattern: Regex<AnyRegexOutput>?) -> Message? {
        if let e = f.enumValues, !e.contains(v) {
            return Messages.constraint(v, "is not one of the allowed values", "izin verilen değerlerden biri değil")
        }
        if let pattern, (try? pattern.wholeMatch(in: v)) == nil {
            return Messages.constraint(v, "does not match the pattern \(f.pattern!)", "\(f.pattern!) kalıbına uymuyor")
        }
        if f.type == .integer || f.type == .number, let x = Double(v) {
            if let m = f.minimum, x < m { return Messages.constraint(v, "is below the minimum \(formatBound(m))", "en az \(formatBound(m)) olmalı") }
            if let m = f.maximum, x > m { return Messages.constraint(v, "is above the maximum \(formatBound(m))", "en çok \(formatBound(m)) olmalı") }
        }
        if let m = f.minLength, v.count < m { return Messages.constraint(v, "is shorter than \(m) characters", "\(m) karakterden kısa") }
        if let m = f.maxLength, v.count > m { return Messages.constraint(v, "is longer than \(m) characters", "\(m) karakterden uzun") }
        return nil
    }

    // MARK: Domain rules

    private func domainRules() -> [Diagnostic] {
        var out: [Diagnostic] = []
        let measures = schema.measures
        let dims = schema.primaryKey
        for row in typedRows {
            for (m, field) in measures.enumerated() {
                let value = row.measures[m]
                if value == nil && row.missingReason.isEmpty {
                    out.append(Diagnostic(path: path, line: row.line, field: field.name, rule: "missing-reason",
                                          message: Messages.missingReasonNeeded(field.name)))
                } else if value != nil && row.missingReason == "suppressed" {
                    out.append(Diagnostic(path: path, line: row.line, field: field.name, rule: "missing-reason",
                                          message: Messages.suppressedWithValue(field.name)))
                }
                if let v = value, (1...4).contains(v) {
                    out.append(Diagnostic(path: path, line: row.line, field: field.name, rule: "small-cell",
                                          severity: .warning, message: Messages.smallCell(field.name, v)))
                }
                if let lower = field.notBelow, let k = measures.firstIndex(where: { $0.name == lower }),
                   let v = value, let w = row.measures[k], v < w {
                    out.append(Diagnostic(path: path, line: row.line, field: field.name, rule: "contacts-below-beneficiaries",
                                          message: Messages.contactsBelow(field.name, v, lower, w)))
                }
            }
        }
        // Totals: for each dimension, group the rows by the other dimensions' values.
        for (d, dim) in dims.enumerated() {
            guard let dimField = schema.foreignKeys.first(where: { $0.field == dim }),
                  let codes = codeLists[dimField.resource], codes.contains("ALL") else { continue }
            let partCodeCount = codes.count - 1
            var groups: [[String]: (all: RefTypedRow?, parts: [RefTypedRow])] = [:]
            for row in typedRows {
                var rest = row.key
                rest.remove(at: d)
                if row.key[d] == "ALL" { groups[rest, default: (nil, [])].all = row }
                else { groups[rest, default: (nil, [])].parts.append(row) }
            }
            for (_, group) in groups.sorted(by: { ($0.value.all?.line ?? 0) < ($1.value.all?.line ?? 0) }) {
                guard let allRow = group.all, !group.parts.isEmpty else { continue }
                for (m, field) in measures.enumerated() {
                    guard let total = allRow.measures[m] else { continue }
                    let values = group.parts.map { $0.measures[m] }
                    for (part, v) in zip(group.parts, values) {
                        if let v, v > total {
                            out.append(Diagnostic(path: path, line: part.line, field: field.name, rule: "part-exceeds-total",
                                                  message: Messages.partExceeds(field.name, dim, v, total, allRow.line)))
                        }
                    }
                    // A suppressed or missing part makes the sum unknowable.
                    guard !values.contains(where: { $0 == nil }) else { continue }
                    let parts = values.map { $0! }
                    // Saturating, as the engine: the original `reduce(0, +)` trapped on huge counts.
                    let sum = parts.reduce(0) { let (s, o) = $0.addingReportingOverflow($1); return o ? ($1 > 0 ? Int.max : Int.min) : s }
                    let complete = Set(group.parts.map { $0.key[d] }).count >= partCodeCount
                    if field.nonAdditiveOver.contains(dim) {
                        let largest = parts.max()!
                        if total < largest {
                            out.append(Diagnostic(path: path, line: allRow.line, field: field.name, rule: "total-mismatch",
                                                  message: Messages.totalMismatch(field.name, dim, total, "its largest part is \(largest)", "en büyük alt kırılım \(largest)")))
                        } else if complete && total > sum {
                            out.append(Diagnostic(path: path, line: allRow.line, field: field.name, rule: "total-mismatch",
                                                  message: Messages.totalMismatch(field.name, dim, total, "the parts add up to only \(sum)", "alt kırılımların toplamı yalnızca \(sum)")))
                        }
                    } else if sum > total || (complete && sum != total) {
                        out.append(Diagnostic(path: path, line: allRow.line, field: field.name, rule: "total-mismatch",
                                              message: Messages.totalMismatch(field.name, dim, total, "the parts add up to \(sum)", "alt kırılımların toplamı \(sum)")))
                    }
                }
            }
        }
        return out
    }
}

/// `outlier`, written plainly from its definition (see `OutlierRule`): flagged when the value is beyond 2.5
/// times (or 1/2.5 of) the median of the cell's filed earlier periods, more than 5 apart from it on the
/// scale 2√(x + 3/8), and beyond 4 robust standard deviations of the history's log(x + 1) or 5 times.
struct ReferenceOutlierRule {
    let path: String
    let dataset: Dataset
    let rows: [RefTypedRow]

    /// `history[0]` is the period just before, `history[11]` twelve periods before; nil where none was filed.
    func check(history: [RefIndexedTable?]) -> [Diagnostic] {
        guard history.contains(where: { $0 != nil }) else { return [] }
        let measures = dataset.schema.measures
        var out: [Diagnostic] = []
        for row in rows {
            let past = history.map { $0?.byKey[row.id] }
            for (m, field) in measures.enumerated() {
                guard let v = row.measures[m], v >= 0 else { continue }
                let series = past.compactMap { $0?.measures[m] ?? nil }.filter { $0 >= 0 }.map(Double.init)
                guard !series.isEmpty else { continue }
                let median = medianOf(series)
                let ratio = (Double(v) + 1) / (median + 1)
                let logs = series.map { log($0 + 1) }
                let center = medianOf(logs)
                let deviation = 1.4826 * medianOf(logs.map { abs($0 - center) })
                guard ratio > 2.5 || ratio < 0.4,
                      2 * abs((Double(v) + 0.375).squareRoot() - (median + 0.375).squareRoot()) > 5,
                      abs(log(ratio)) > min(4 * deviation, log(5)) else { continue }
                let found = OutlierRule.Comparison(value: v, median: median, periods: series.count,
                                                   lowest: series.min()!, highest: series.max()!)
                out.append(Diagnostic(path: path, line: row.line, field: field.name, rule: "outlier", severity: .warning,
                                      message: found.message(field: field.name)))
            }
        }
        return out
    }
}

/// A table's typed rows indexed by key, built once per validation and shared by every later period.
struct RefIndexedTable {
    var byKey: [String: RefTypedRow]

    init(_ rows: [RefTypedRow]) {
        byKey = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

func medianOf(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The CSV reader as first written (a `String` per field as it goes), the oracle of `CSV.Cells`.
enum ReferenceCSV {
    static func parse(_ bytes: [UInt8]) -> CSV.Table { bytes.withUnsafeBufferPointer { parse($0) } }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> CSV.Table {
        var rows: [CSV.Row] = []
        var problems: [CSV.Problem] = []
        var fields: [String] = []
        var i = 0
        let n = buffer.count
        if n >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { i = 3 }
        var line = 1
        var rowLine = 1
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var atFieldStart = true
        var rowHasContent = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
        }
        func endRow() {
            endField()
            rows.append(CSV.Row(line: rowLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
            rowHasContent = false
        }

        while i < n {
            let c = buffer[i]
            if atFieldStart && c == UInt8(ascii: "\"") {
                // Quoted field: runs to the closing quote, doubled quotes are literal.
                let openLine = line
                atFieldStart = false
                rowHasContent = true
                i += 1
                var closed = false
                while i < n {
                    let q = buffer[i]
                    if q == UInt8(ascii: "\"") {
                        if i + 1 < n, buffer[i + 1] == UInt8(ascii: "\"") { field.append(q); i += 2; continue }
                        closed = true; i += 1; break
                    }
                    if q == UInt8(ascii: "\n") { line += 1 }
                    else if q == UInt8(ascii: "\r") {
                        if !(i + 1 < n && buffer[i + 1] == UInt8(ascii: "\n")) { line += 1 }
                    }
                    field.append(q)
                    i += 1
                }
                if !closed {
                    problems.append(CSV.Problem(line: openLine, message: "a quoted field is never closed"))
                }
                // Anything between the closing quote and the next separator is kept, but reported.
                if closed, i < n, buffer[i] != UInt8(ascii: ","), buffer[i] != UInt8(ascii: "\n"), buffer[i] != UInt8(ascii: "\r") {
                    problems.append(CSV.Problem(line: line, message: "text after a closing quote"))
                }
                continue
            }
            switch c {
            case UInt8(ascii: ","):
                rowHasContent = true
                endField()
                i += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if c == UInt8(ascii: "\r"), i + 1 < n, buffer[i + 1] == UInt8(ascii: "\n") { i += 1 }
                i += 1
                endRow()
                line += 1
                rowLine = line
            default:
                if c == UInt8(ascii: "\"") {
                    problems.append(CSV.Problem(line: line, message: "a quote inside an unquoted field"))
                }
                atFieldStart = false
                rowHasContent = true
                field.append(c)
                i += 1
            }
        }
        if rowHasContent || !field.isEmpty || !fields.isEmpty { endRow() }
        guard !rows.isEmpty else { return CSV.Table(header: [], rows: [], problems: problems) }
        let header = rows.removeFirst().fields
        return CSV.Table(header: header, rows: rows, problems: problems)
    }
}
