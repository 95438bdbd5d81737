/// A row that passed the structural checks, with its measures read as integers (nil when empty).
struct TypedRow {
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
struct TableRules {
    let path: String
    let dataset: Dataset
    let codeLists: CodeLists
    private(set) var typedRows: [TypedRow] = []

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
                typedRows.append(TypedRow(
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
            var groups: [[String]: (all: TypedRow?, parts: [TypedRow])] = [:]
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
                    let sum = parts.reduce(0, +)
                    let complete = Set(group.parts.map { $0.key[d] }).count >= partCodeCount
                    if field.nonAdditiveOver.contains(dim) {
                        let largest = parts.max()!
                        if total < largest {
                            out.append(Diagnostic(path: path, line: allRow.line, field: field.name, rule: "total-mismatch",
                                                  message: Messages.totalMismatch(field.name, dim, total, "its largest part is \(largest)", "en büyük parça \(largest)")))
                        } else if complete && total > sum {
                            out.append(Diagnostic(path: path, line: allRow.line, field: field.name, rule: "total-mismatch",
                                                  message: Messages.totalMismatch(field.name, dim, total, "the parts add up to only \(sum)", "parçaların toplamı yalnızca \(sum)")))
                        }
                    } else if sum > total || (complete && sum != total) {
                        out.append(Diagnostic(path: path, line: allRow.line, field: field.name, rule: "total-mismatch",
                                              message: Messages.totalMismatch(field.name, dim, total, "the parts add up to \(sum)", "parçaların toplamı \(sum)")))
                    }
                }
            }
        }
        return out
    }
}

/// `outlier`: a value more than 3 modified z-scores from the same cell's previous 12 periods, or ±50% on
/// the period before.
struct OutlierRule {
    let path: String
    let dataset: Dataset
    let rows: [TypedRow]

    /// `history[0]` is the period just before, `history[11]` twelve periods before; nil where none was filed.
    func check(history: [IndexedTable?]) -> [Diagnostic] {
        guard history.contains(where: { $0 != nil }) else { return [] }
        let measures = dataset.schema.measures
        var out: [Diagnostic] = []
        for row in rows {
            let id = row.id
            // The same cell's row in each earlier period, looked up once for all measures.
            let past = history.map { $0?.byKey[id] }
            for (m, field) in measures.enumerated() {
                guard let v = row.measures[m] else { continue }
                let series = past.compactMap { $0?.measures[m] ?? nil }
                if let previous = (past.first ?? nil)?.measures[m] ?? nil, previous > 0 {
                    let change = Double(v - previous) / Double(previous)
                    if abs(change) > 0.5 {
                        out.append(Diagnostic(path: path, line: row.line, field: field.name, rule: "outlier", severity: .warning,
                                              message: Messages.outlier(field.name, v, "\(previous) the period before (\(Int((change * 100).rounded()))%)",
                                                                        "bir önceki dönem \(previous) (%\(Int((change * 100).rounded())))")))
                        continue
                    }
                }
                guard series.count >= 3 else { continue }
                let median = medianOf(series.map(Double.init))
                let mad = medianOf(series.map { abs(Double($0) - median) })
                guard mad > 0 else { continue }
                let z = 0.6745 * (Double(v) - median) / mad
                if abs(z) > 3 {
                    out.append(Diagnostic(path: path, line: row.line, field: field.name, rule: "outlier", severity: .warning,
                                          message: Messages.outlier(field.name, v, "modified z-score \(String(format: "%.1f", z)) against the last \(series.count) periods",
                                                                    "son \(series.count) döneme göre değiştirilmiş z-puanı \(String(format: "%.1f", z))")))
                }
            }
        }
        return out
    }
}

func medianOf(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A decimal integer as Frictionless reads one: optional sign, surrounding spaces allowed; nil for
/// anything else (empty included).
func parseInteger(_ s: String) -> Int? {
    var result = 0
    var negative = false
    var any = false
    var u = Substring(s).utf8
    while u.first == 0x20 { u = u.dropFirst() }
    while u.last == 0x20 { u = u.dropLast() }
    for (i, b) in u.enumerated() {
        if i == 0 && (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")) { negative = b == UInt8(ascii: "-"); continue }
        guard b.isDigit else { return nil }
        let (r1, o1) = result.multipliedReportingOverflow(by: 10)
        let (r2, o2) = r1.addingReportingOverflow(Int(b - 0x30))
        if o1 || o2 { return nil }
        result = r2
        any = true
    }
    return any ? (negative ? -result : result) : nil
}

func isISODate(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D,
          u[0..<4].allSatisfy(\.isDigit), u[5..<7].allSatisfy(\.isDigit), u[8..<10].allSatisfy(\.isDigit) else { return false }
    let m = Int(s.dropFirst(5).prefix(2))!, d = Int(s.suffix(2))!, y = Int(s.prefix(4))!
    let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return (1...12).contains(m) && d >= 1 && d <= days[m - 1]
}

func formatBound(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

/// A table's typed rows indexed by key, built once per validation and shared by every later period.
struct IndexedTable {
    var byKey: [String: TypedRow]

    init(_ rows: [TypedRow]) {
        byKey = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
