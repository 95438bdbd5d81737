import Foundation

/// A dataset's schema prepared once per validation: per column what to check, the code table of each
/// foreign key, the measures, the dimensions that have an `ALL` total, and how a primary key packs into
/// one 64-bit integer (each dimension's code id + 1 in its own bits).
struct TablePlan: @unchecked Sendable { // @unchecked: the compiled `Regex` values are immutable after init.
    struct Column {
        var field: Field
        var pattern: Regex<AnyRegexOutput>?
    }

    struct ForeignKey {
        var column: Int
        var codes: CodeTable
        var list: String
    }

    /// A dimension whose code list has `ALL`: totals are checked over it.
    struct TotalDimension {
        var dimension: Int
        var name: String
        var allId: Int
        var partCodes: Int
        /// Per measure: whether the measure is not a sum over this dimension.
        var nonAdditive: [Bool]
    }

    /// What the inner loop reads of a column: plain values, so reading one costs no reference counting.
    struct CellCheck {
        var type: Field.Kind
        /// Required, or part of the primary key: an empty cell is a `constraint-error`.
        var mustHaveValue: Bool
        /// Constraints that need the cell as a `String` (enum, pattern, lengths, bounds of a number).
        var checksText: Bool
        /// Index in `measures`, -1 when the column is not one.
        var measure: Int
        var minimum: Double?
        var maximum: Double?
    }

    let dataset: Dataset
    let columns: [Column]
    let cellChecks: [CellCheck]
    let foreignKeys: [ForeignKey]
    /// Column indexes of the primary key, in key order.
    let keyColumns: [Int]
    /// Per key column: bit offset and bit width in a packed key.
    let keyShifts: [UInt64]
    let keyWidths: [UInt64]
    /// Whether every key column has a code list and the widths fit 64 bits; otherwise keys are interned.
    let packed: Bool
    let measures: [Field]
    /// Per measure: the measure it may never be below.
    let notBelow: [Int?]
    let reasonColumn: Int?
    let totals: [TotalDimension]
    let missingValues: [[UInt8]]
    /// The usual `missingValues: [""]`, checked without looping over byte arrays.
    let onlyEmptyIsMissing: Bool

    init(dataset: Dataset, codeLists: CodeLists) {
        self.dataset = dataset
        let schema = dataset.schema
        let measures = schema.measures
        self.measures = measures
        notBelow = measures.map { m in m.notBelow.flatMap { lower in measures.firstIndex { $0.name == lower } } }
        reasonColumn = schema.index(of: "missing_reason")
        missingValues = schema.missingValues.map { Array($0.utf8) }
        onlyEmptyIsMissing = missingValues == [[]]
        keyColumns = schema.primaryKey.compactMap { schema.index(of: $0) }
        columns = schema.fields.map { f in Column(field: f, pattern: f.pattern.flatMap { try? Regex("^(?:" + $0 + ")$") }) }
        cellChecks = columns.map { c in
            let f = c.field
            let bounded = f.minimum != nil || f.maximum != nil
            return CellCheck(type: f.type, mustHaveValue: f.required || schema.primaryKey.contains(f.name),
                             checksText: f.enumValues != nil || c.pattern != nil || f.minLength != nil || f.maxLength != nil
                                || (f.type == .number && bounded),
                             measure: measures.firstIndex { $0.name == f.name } ?? -1, minimum: f.minimum, maximum: f.maximum)
        }
        foreignKeys = schema.foreignKeys.compactMap { fk in
            guard let i = schema.index(of: fk.field), let codes = codeLists.tables[fk.resource] else { return nil }
            return ForeignKey(column: i, codes: codes, list: fk.resource)
        }
        let codesByColumn = Dictionary(foreignKeys.map { ($0.column, $0.codes) }, uniquingKeysWith: { a, _ in a })
        let keys = keyColumns
        let keyCodes = keys.map { codesByColumn[$0] }
        var shifts: [UInt64] = [], widths: [UInt64] = [], used: UInt64 = 0
        for codes in keyCodes {
            let width = UInt64(Int.bitWidth - (codes?.count ?? 0).leadingZeroBitCount) // room for id + 1
            shifts.append(used); widths.append(width)
            used += width
        }
        keyShifts = shifts
        keyWidths = widths
        packed = keyCodes.allSatisfy { $0 != nil } && used <= 64 && !keys.isEmpty
        totals = keys.indices.compactMap { d in
            guard let codes = codesByColumn[keys[d]], let all = codes.id("ALL") else { return nil }
            let name = schema.fields[keys[d]].name
            return TotalDimension(dimension: d, name: name, allId: all, partCodes: codes.count - 1,
                                  nonAdditive: measures.map { $0.nonAdditiveOver.contains(name) })
        }
    }

    func isMissing(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        if onlyEmptyIsMissing { return cell.isEmpty }
        for m in missingValues where m.count == cell.count {
            if m.isEmpty || m.withUnsafeBufferPointer({ memcmp($0.baseAddress!, cell.baseAddress!, m.count) == 0 }) { return true }
        }
        return false
    }
}

/// Keys of tables whose primary key cannot be packed (a key column without a code list), numbered for the
/// whole validation so the same key has the same number in every period.
final class KeyInterner: @unchecked Sendable { // @unchecked: every access holds `lock`.
    private struct Key: Hashable {
        var values: [String]
        /// The dimension left out of a group key, -1 for a whole key.
        var omitted: Int
    }
    private let lock = NSLock()
    private var numbers: [Key: UInt64] = [:]

    func number(_ values: [String], omitting omitted: Int = -1) -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        let key = Key(values: values, omitted: omitted)
        if let n = numbers[key] { return n }
        let n = UInt64(numbers.count)
        numbers[key] = n
        return n
    }
}

/// The rows of a table that passed the structural checks: keys as integers, measures as integers
/// (`Int64.min` where empty), indexed by key for the later periods' outlier checks.
struct KeyedRows: Sendable {
    var lines: [Int32] = []
    var keys: [UInt64] = []
    /// The key's cell values, kept only for tables whose keys are interned (group keys are derived from them).
    var keyValues: [[String]] = []
    var measures: [Int64] = []
    var measureCount: Int
    var reasonEmpty: [Bool] = []
    var suppressed: [Bool] = []
    var index: PackedKeyMap

    static let none = Int64.min

    init(measureCount: Int, capacity: Int) {
        self.measureCount = measureCount
        index = PackedKeyMap(capacity: capacity)
        lines.reserveCapacity(capacity); keys.reserveCapacity(capacity); measures.reserveCapacity(capacity * measureCount)
    }

    var count: Int { keys.count }

    func measure(_ row: Int, _ m: Int) -> Int? {
        let v = measures[row * measureCount + m]
        return v == Self.none ? nil : Int(v)
    }

    /// The row with `key`; `hint` is tried first (the same row number in another period usually has it).
    func row(_ key: UInt64, hint: Int) -> Int? {
        if hint >= 0, hint < keys.count, keys[hint] == key { return hint }
        guard let r = index.value(key), r >= 0 else { return nil }
        return Int(r)
    }
}

/// Structural checks of one table against its schema (Frictionless rule ids), then the domain rules
/// (totals, contacts, missing reasons, small cells) and the personal-data guard on every cell. Works on the
/// file's bytes: a cell becomes a `String` only when it is reported or needs a textual check.
struct TableRules {
    let path: String
    let plan: TablePlan
    let interner: KeyInterner
    private(set) var rows: KeyedRows

    init(path: String, plan: TablePlan, interner: KeyInterner) {
        self.path = path
        self.plan = plan
        self.interner = interner
        rows = KeyedRows(measureCount: plan.measures.count, capacity: 0)
    }

    mutating func check(_ cells: CSV.Cells) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for p in cells.problems {
            out.append(Diagnostic(path: path, line: p.line, rule: "source-error", message: Messages.malformed(p.message)))
        }
        guard cells.rowCount > 0 else {
            out.append(Diagnostic(path: path, line: 1, rule: "missing-label", message: Messages.emptyFile()))
            return out
        }
        cells.storage.withUnsafeBufferPointer { checkRows(cells, $0, into: &out) }
        out += domainRules()
        return out.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }

    private mutating func checkRows(_ cells: CSV.Cells, _ b: UnsafeBufferPointer<UInt8>, into out: inout [Diagnostic]) {
        let columns = plan.columns
        let header = cells.cellRange(0).map { cells.string($0, in: b) }
        for (i, label) in header.enumerated() {
            if i >= columns.count {
                out.append(Diagnostic(path: path, line: 1, field: label, rule: "extra-label", message: Messages.extraLabel(label)))
            } else if label != columns[i].field.name {
                out.append(Diagnostic(path: path, line: 1, field: columns[i].field.name, rule: "incorrect-label",
                                      message: Messages.incorrectLabel(label, columns[i].field.name)))
            }
        }
        // The personal-data guard reads every cell, the labels and the cells of extra columns included.
        for label in header where PersonalData.mayHoldIdentifier(label) {
            for finding in PersonalData.scan(label) {
                out.append(Diagnostic(path: path, line: 1, rule: finding.rule, message: PersonalData.message(for: finding.rule)))
            }
        }
        for c in columns.dropFirst(header.count) {
            out.append(Diagnostic(path: path, line: 1, field: c.field.name, rule: "missing-label", message: Messages.missingLabel(c.field.name)))
        }

        // The row loop reads plain pointers: array subscripts there cost a bounds check, and the table's
        // arrays a uniqueness check per append, on every cell of two million rows.
        var table = KeyedRows(measureCount: plan.measures.count, capacity: cells.rowCount)
        defer { rows = table }
        cells.starts.withUnsafeBufferPointer { starts in
            cells.ends.withUnsafeBufferPointer { ends in
                plan.cellChecks.withUnsafeBufferPointer { checks in
                    checkRows(cells, b, starts, ends, checks, header: header, into: &out, table: &table)
                }
            }
        }
    }

    private func checkRows(_ cells: CSV.Cells, _ b: UnsafeBufferPointer<UInt8>, _ starts: UnsafeBufferPointer<Int32>,
                           _ ends: UnsafeBufferPointer<Int32>, _ checks: UnsafeBufferPointer<TablePlan.CellCheck>, header: [String],
                           into out: inout [Diagnostic], table rows: inout KeyedRows) {
        let columns = plan.columns
        func cell(_ c: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[Int(starts[c])..<Int(ends[c])]) }
        func text(_ c: Int) -> String { String(decoding: cell(c), as: UTF8.self) }

        var firstLineOfTextKey: [[String]: Int] = [:]
        // Per-row scratch as raw buffers: arrays here cost a uniqueness check on every write.
        let measureCount = plan.measures.count
        let measureValues = UnsafeMutableBufferPointer<Int64>.allocate(capacity: measureCount)
        let codeIds = UnsafeMutableBufferPointer<Int>.allocate(capacity: columns.count)
        codeIds.initialize(repeating: -1)
        // Per foreign key: the cell looked up last, as (start, end, id). Tidy tables repeat a dimension's code
        // down many rows, and comparing a few bytes is cheaper than hashing them.
        let lastCode = UnsafeMutableBufferPointer<(Int, Int, Int)>.allocate(capacity: plan.foreignKeys.count)
        lastCode.initialize(repeating: (0, 0, -1))
        defer { measureValues.deallocate(); codeIds.deallocate(); lastCode.deallocate() }
        let fkColumns = plan.foreignKeys.map(\.column), fkTables = plan.foreignKeys.map(\.codes), fkCount = fkColumns.count
        // The plan's arrays as locals: read in the row loop, where a property read costs a retain.
        let keyColumns = plan.keyColumns, keyShifts = plan.keyShifts, packs = plan.packed
        let onlyEmptyIsMissing = plan.onlyEmptyIsMissing, reasonColumn = plan.reasonColumn ?? -1
        let columnCount = columns.count, headerCount = header.count
        guard let base = b.baseAddress else { return }
        let storageCount = b.count
        func same(_ s: Int, _ t: Int, _ count: Int) -> Bool {
            // Codes are a few bytes: compared a word at a time where whole words can be read at both places
            // (a byte loop mispredicts its exit; memcmp is a call).
            let words = (count &+ 7) >> 3
            if s &+ 8 &* words <= storageCount && t &+ 8 &* words <= storageCount {
                let raw = UnsafeRawPointer(base)
                var k = 0, left = count
                while left > 0 {
                    let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: s &+ k, as: UInt64.self))
                        ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: t &+ k, as: UInt64.self))
                    if left < 8 { return x & ((1 << (8 &* UInt64(left))) &- 1) == 0 }
                    if x != 0 { return false }
                    k &+= 8; left &-= 8
                }
                return true
            }
            var k = 0
            while k < count, base[s &+ k] == base[t &+ k] { k &+= 1 }
            return k == count
        }
        let suppressed = Array("suppressed".utf8)

        for r in 1..<cells.rowCount {
            let range = cells.cellRange(r)
            let first = range.lowerBound, cellCount = range.count
            let line = Int(cells.lines[r])
            var blank = true
            for c in range where ends[c] != starts[c] { blank = false; break }
            if blank {
                out.append(Diagnostic(path: path, line: line, rule: "blank-row", message: Messages.blankRow()))
                continue
            }
            var rowValid = true
            // Fewer than ten digits and no `@` in the whole row: no cell can hold an identifier. With no `@`, a
            // cell shorter than ten bytes cannot either (most cells: codes and counts), and is not looked at.
            let (rowDigits, rowHasAt) = PersonalData.digitsAndAt(UnsafeBufferPointer(rebasing: b[cells.rowBytes(r)]))
            let rowMayHoldIdentifier = rowDigits >= 10 || rowHasAt
            let shortestSuspect = rowHasAt ? 0 : 10
            // As Frictionless: cells beyond the header are extra, cells short of it are missing (a column
            // without a label was already reported as a missing label).
            if cellCount > headerCount {
                for _ in headerCount..<cellCount {
                    out.append(Diagnostic(path: path, line: line, rule: "extra-cell", message: Messages.extraCell(cellCount - headerCount)))
                }
                rowValid = false
            }
            for m in 0..<measureCount { measureValues[m] = KeyedRows.none }
            for i in 0..<columnCount {
                guard i < cellCount else {
                    if i < headerCount { reportMissingCell(i, line: line, into: &out) }
                    rowValid = false
                    continue
                }
                let s = Int(starts[first &+ i]), e = Int(ends[first &+ i])
                let v = UnsafeBufferPointer(start: base + s, count: e &- s)
                if rowMayHoldIdentifier && e &- s >= shortestSuspect && PersonalData.mayHoldIdentifier(v) {
                    reportIdentifiers(in: v, line: line, field: columns[i].field.name, into: &out)
                }
                if onlyEmptyIsMissing ? s == e : plan.isMissing(v) {
                    if checks[i].mustHaveValue {
                        report(i, line: line, rule: "constraint-error", Messages.required(), into: &out)
                        rowValid = false
                    }
                    continue
                }
                let type = checks[i].type
                var number: Int?
                if type == .integer {
                    number = parseInteger(v)
                    if number == nil {
                        report(i, line: line, rule: "type-error", Messages.typeError(String(decoding: v, as: UTF8.self), .integer), into: &out)
                        rowValid = false
                        continue
                    }
                } else if type != .string && type != .any, !typeHolds(i, v, line: line, into: &out) {
                    rowValid = false
                    continue
                }
                if checks[i].checksText || !withinBounds(number, v, checks[i]) {
                    if !constraintsHold(i, v, line: line, into: &out) { rowValid = false }
                }
                let measure = checks[i].measure
                if measure >= 0, let number { measureValues[measure] = Int64(number) }
            }
            if rowMayHoldIdentifier {
                for i in min(columnCount, cellCount)..<cellCount where PersonalData.mayHoldIdentifier(cell(first + i)) {
                    reportIdentifiers(in: cell(first + i), line: line, field: i < headerCount ? header[i] : nil, into: &out)
                }
            }
            // Whether some non-empty cell names no code of its list (reported below).
            var fkValid = true
            for j in 0..<fkCount where fkColumns[j] < cellCount {
                let c = first &+ fkColumns[j]
                let s = Int(starts[c]), e = Int(ends[c])
                let (ls, le, lid) = lastCode[j]
                let id: Int
                if e &- s == le &- ls && same(s, ls, e &- s) {
                    id = lid
                } else {
                    id = s == e ? -1 : fkTables[j].id(UnsafeBufferPointer(start: base + s, count: e &- s)) ?? -1
                    lastCode[j] = (s, e, id)
                }
                codeIds[fkColumns[j]] = id
                if id < 0 && e > s { fkValid = false }
            }
            // The key: packed from code ids when every key cell is a known code, else as text.
            var keyComplete = true, keyPacks = packs, packedKey: UInt64 = 0
            for d in 0..<keyColumns.count {
                let k = keyColumns[d]
                if k >= cellCount || ends[first &+ k] == starts[first &+ k] { keyComplete = false; break }
                if keyPacks {
                    let id = codeIds[k]
                    if id < 0 { keyPacks = false } else { packedKey |= UInt64(id &+ 1) << keyShifts[d] }
                }
            }
            if keyComplete {
                if keyPacks {
                    let key = packedKey
                    // One map for both uses: a key's first row, as its typed row's index or, for a row that
                    // fails a check, as minus its line.
                    let entry = rowValid && fkValid ? Int32(rows.count) : -Int32(line)
                    if let existing = rows.index.insertIfAbsent(key, entry) {
                        let firstLine = existing >= 0 ? Int(rows.lines[Int(existing)]) : Int(-existing)
                        out.append(primaryKeyError(line, keyColumns.map { text(first + $0) }, firstLine))
                        rowValid = false
                    }
                } else {
                    let key = keyColumns.map { text(first + $0) }
                    if let firstLine = firstLineOfTextKey[key] {
                        out.append(primaryKeyError(line, key, firstLine))
                        rowValid = false
                    } else {
                        firstLineOfTextKey[key] = line
                    }
                }
            }
            for j in 0..<(fkValid ? 0 : fkCount) where fkColumns[j] < cellCount && codeIds[fkColumns[j]] < 0 {
                let column = fkColumns[j]
                if ends[first + column] > starts[first + column] {
                    out.append(Diagnostic(path: path, line: line, field: columns[column].field.name, rule: "foreign-key",
                                          message: Messages.foreignKey(text(first + column), plan.foreignKeys[j].list)))
                    rowValid = false
                }
            }
            if rowValid {
                let key: UInt64
                if keyPacks { key = packedKey } else {
                    let values = keyColumns.map { text(first + $0) }
                    key = interner.number(values)
                    rows.keyValues.append(values)
                    _ = rows.index.insertIfAbsent(key, Int32(rows.count))
                }
                rows.keys.append(key)
                rows.lines.append(Int32(line))
                rows.measures.append(contentsOf: measureValues)
                // The reason cell as the loop above left it: absent past the row's end.
                let (rs, re) = reasonColumn >= 0 && reasonColumn < cellCount
                    ? (Int(starts[first &+ reasonColumn]), Int(ends[first &+ reasonColumn])) : (0, 0)
                rows.reasonEmpty.append(rs == re)
                rows.suppressed.append(re &- rs == suppressed.count
                                       && suppressed.withUnsafeBufferPointer { memcmp(base + rs, $0.baseAddress!, $0.count) == 0 })
            }
        }
    }

    // The findings of the row loop, out of it: kept there, their strings and calls made the loop's code
    // large enough that its own values no longer stayed in registers.

    @inline(never)
    private func report(_ column: Int, line: Int, rule: String, _ message: Message, into out: inout [Diagnostic]) {
        out.append(Diagnostic(path: path, line: line, field: plan.columns[column].field.name, rule: rule, message: message))
    }

    @inline(never)
    private func reportMissingCell(_ column: Int, line: Int, into out: inout [Diagnostic]) {
        let name = plan.columns[column].field.name
        if plan.cellChecks[column].mustHaveValue {
            out.append(Diagnostic(path: path, line: line, field: name, rule: "constraint-error", message: Messages.required()))
        }
        out.append(Diagnostic(path: path, line: line, field: name, rule: "missing-cell", message: Messages.missingCell(name)))
    }

    @inline(never)
    private func reportIdentifiers(in cell: UnsafeBufferPointer<UInt8>, line: Int, field: String?, into out: inout [Diagnostic]) {
        for finding in PersonalData.scan(String(decoding: cell, as: UTF8.self)) {
            out.append(Diagnostic(path: path, line: line, field: field, rule: finding.rule, message: PersonalData.message(for: finding.rule)))
        }
    }

    /// Whether a cell of a number, boolean or date column reads as one; reported if not.
    @inline(never)
    private func typeHolds(_ column: Int, _ cell: UnsafeBufferPointer<UInt8>, line: Int, into out: inout [Diagnostic]) -> Bool {
        guard let problem = typeProblem(String(decoding: cell, as: UTF8.self), plan.columns[column].field) else { return true }
        report(column, line: line, rule: "type-error", problem, into: &out)
        return false
    }

    /// Whether a cell meets its column's constraints; reported if not.
    @inline(never)
    private func constraintsHold(_ column: Int, _ cell: UnsafeBufferPointer<UInt8>, line: Int, into out: inout [Diagnostic]) -> Bool {
        let c = plan.columns[column]
        guard let problem = constraintProblem(String(decoding: cell, as: UTF8.self), c.field, c.pattern) else { return true }
        report(column, line: line, rule: "constraint-error", problem, into: &out)
        return false
    }

    private func primaryKeyError(_ line: Int, _ key: [String], _ firstLine: Int) -> Diagnostic {
        Diagnostic(path: path, line: line, field: plan.dataset.schema.primaryKey.joined(separator: ","),
                   rule: "primary-key", message: Messages.primaryKey(key.joined(separator: ", "), firstLine))
    }

    /// Whether an integer cell is within its field's bounds; the message, if not, comes from `constraintProblem`.
    /// A cell with spaces around the number is not compared, as `Double(String)` would not read it.
    private func withinBounds(_ number: Int?, _ v: UnsafeBufferPointer<UInt8>, _ check: TablePlan.CellCheck) -> Bool {
        guard let number, check.minimum != nil || check.maximum != nil, v.first != 0x20, v.last != 0x20 else { return true }
        let x = Double(number)
        if let m = check.minimum, x < m { return false }
        if let m = check.maximum, x > m { return false }
        return true
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
        let names = plan.measures.map(\.name)
        for r in 0..<rows.count {
            let line = Int(rows.lines[r])
            for m in names.indices {
                let value = rows.measure(r, m)
                if value == nil && rows.reasonEmpty[r] {
                    out.append(Diagnostic(path: path, line: line, field: names[m], rule: "missing-reason",
                                          message: Messages.missingReasonNeeded(names[m])))
                } else if value != nil && rows.suppressed[r] {
                    out.append(Diagnostic(path: path, line: line, field: names[m], rule: "missing-reason",
                                          message: Messages.suppressedWithValue(names[m])))
                }
                if let v = value, (1...4).contains(v) {
                    out.append(Diagnostic(path: path, line: line, field: names[m], rule: "small-cell",
                                          severity: .warning, message: Messages.smallCell(names[m], v)))
                }
                if let k = plan.notBelow[m], let v = value, let w = rows.measure(r, k), v < w {
                    out.append(Diagnostic(path: path, line: line, field: names[m], rule: "contacts-below-beneficiaries",
                                          message: Messages.contactsBelow(names[m], v, names[k], w)))
                }
            }
        }
        for total in plan.totals { out += totals(over: total, names: names) }
        return out
    }

    /// `total-mismatch` and `part-exceeds-total` over one dimension, holding the others fixed: a part's
    /// `ALL` row is the row whose key has `ALL` in this dimension, found by key, and each `ALL` row adds up
    /// its parts as they come. (Diagnostics of one line keep the order dimension, then measure.)
    private func totals(over total: TablePlan.TotalDimension, names: [String]) -> [Diagnostic] {
        let d = total.dimension
        let n = rows.count, measureCount = names.count
        let shift = plan.keyShifts[d], fieldMask = ((1 as UInt64) << plan.keyWidths[d]) &- 1
        let allCode = UInt64(total.allId + 1)
        // A table without an `ALL` row in this dimension (many give totals over some dimensions only) has
        // nothing to add up over it: no key is looked up for its parts.
        let hasTotals = plan.packed ? rows.keys.contains { ($0 >> shift) & fieldMask == allCode } : rows.keyValues.contains { $0[d] == "ALL" }
        guard hasTotals else { return [] }
        // Per row: the row of its `ALL` total over this dimension, -1 for a total itself or a part without one.
        let allOf = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        defer { allOf.deallocate() }
        if plan.packed {
            // Tidy tables list a total at a regular distance from its parts: the same for every part,
            // alternating (F +2, M +1), or stepping (each age group 3 rows nearer its total). Those three
            // guesses from the last two distances are tried before the key is looked up.
            rows.keys.withUnsafeBufferPointer { keys in
                var distance = 0, distanceBefore = 0
                func at(_ guess: Int, _ key: UInt64) -> Bool { guess >= 0 && guess < n && keys[guess] == key }
                for r in 0..<n {
                    let own = keys[r]
                    if (own >> shift) & fieldMask == allCode { allOf[r] = -1; continue }
                    let key = (own & ~(fieldMask << shift)) | (allCode << shift)
                    let found: Int?
                    if at(r &+ distance, key) { found = r &+ distance }
                    else if at(r &+ distanceBefore, key) { found = r &+ distanceBefore }
                    else if at(r &+ 2 &* distance &- distanceBefore, key) { found = r &+ 2 &* distance &- distanceBefore }
                    else { found = rows.row(key, hint: -1) }
                    if let found { distanceBefore = distance; distance = found &- r }
                    allOf[r] = found ?? -1
                }
            }
        } else {
            for r in 0..<n {
                var values = rows.keyValues[r]
                guard values[d] != "ALL" else { allOf[r] = -1; continue }
                values[d] = "ALL"
                allOf[r] = rows.row(interner.number(values), hint: -1) ?? -1
            }
        }
        var out: [Diagnostic] = []
        // Per `ALL` row and measure: the sum and largest of its parts, and whether one is unknown.
        let slots = n * measureCount
        let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: slots), largest = UnsafeMutableBufferPointer<Int>.allocate(capacity: slots)
        let unknown = UnsafeMutableBufferPointer<Bool>.allocate(capacity: slots), parts = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        sums.initialize(repeating: 0); largest.initialize(repeating: Int.min); unknown.initialize(repeating: false); parts.initialize(repeating: 0)
        defer { sums.deallocate(); largest.deallocate(); unknown.deallocate(); parts.deallocate() }
        rows.measures.withUnsafeBufferPointer { values in
            for r in 0..<n where allOf[r] >= 0 {
                let a = allOf[r]
                parts[a] &+= 1
                for m in 0..<measureCount {
                    let slot = a &* measureCount &+ m
                    let value = values[r &* measureCount &+ m]
                    guard value != KeyedRows.none else { unknown[slot] = true; continue }
                    let v = Int(value), totalValue = values[slot]
                    if totalValue != KeyedRows.none, v > Int(totalValue) {
                        out.append(Diagnostic(path: path, line: Int(rows.lines[r]), field: names[m], rule: "part-exceeds-total",
                                              message: Messages.partExceeds(names[m], total.name, v, Int(totalValue), Int(rows.lines[a]))))
                    }
                    sums[slot] = sums[slot].saturatingAdd(v)
                    largest[slot] = max(largest[slot], v)
                }
            }
        }
        for a in 0..<n where parts[a] > 0 {
            let allLine = Int(rows.lines[a])
            for m in 0..<measureCount {
                let slot = a * measureCount + m
                // A suppressed or missing part makes the sum unknowable.
                guard let totalValue = rows.measure(a, m), !unknown[slot] else { continue }
                let (sum, complete) = (sums[slot], parts[a] >= total.partCodes)
                if total.nonAdditive[m] {
                    if totalValue < largest[slot] {
                        out.append(Diagnostic(path: path, line: allLine, field: names[m], rule: "total-mismatch",
                                              message: Messages.totalMismatch(names[m], total.name, totalValue, "its largest part is \(largest[slot])", "en büyük alt kırılım \(largest[slot])")))
                    } else if complete && totalValue > sum {
                        out.append(Diagnostic(path: path, line: allLine, field: names[m], rule: "total-mismatch",
                                              message: Messages.totalMismatch(names[m], total.name, totalValue, "the parts add up to only \(sum)", "alt kırılımların toplamı yalnızca \(sum)")))
                    }
                } else if sum > totalValue || (complete && sum != totalValue) {
                    out.append(Diagnostic(path: path, line: allLine, field: names[m], rule: "total-mismatch",
                                          message: Messages.totalMismatch(names[m], total.name, totalValue, "the parts add up to \(sum)", "alt kırılımların toplamı \(sum)")))
                }
            }
        }
        return out
    }
}

/// `%.1f` without Foundation's formatter (thousands of outlier messages on a full validation), with a
/// decimal comma when `comma` (Turkish); values near a rounding tie, where printf's exact decimal rounding
/// could differ, still go to the formatter.
func appendOneDecimal(_ x: Double, to out: inout [UInt8], comma: Bool) {
    let scaled = abs(x) * 10
    guard scaled < 1e15, abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else {
        out.append(contentsOf: String(format: "%.1f", x).utf8.map { comma && $0 == UInt8(ascii: ".") ? UInt8(ascii: ",") : $0 })
        return
    }
    let t = Int64(scaled.rounded())
    if x.sign == .minus { out.append(UInt8(ascii: "-")) }
    CSV.appendInteger(t / 10, to: &out)
    out.append(comma ? UInt8(ascii: ",") : UInt8(ascii: "."))
    out.append(UInt8(truncatingIfNeeded: t % 10) + 0x30)
}

/// The median of `count` values, sorted in place (insertion sort: there are at most 12; a sorting network
/// measured slower here).
func sortedMedian(_ xs: UnsafeMutablePointer<Double>, _ count: Int) -> Double {
    for i in 1..<max(1, count) {
        let x = xs[i]
        var j = i - 1
        while j >= 0, xs[j] > x { xs[j + 1] = xs[j]; j -= 1 }
        xs[j + 1] = x
    }
    return count % 2 == 1 ? xs[count / 2] : (xs[count / 2 - 1] + xs[count / 2]) / 2
}

/// A decimal integer as Frictionless reads one: optional sign, surrounding spaces allowed; nil for
/// anything else (empty included).
func parseInteger(_ u: UnsafeBufferPointer<UInt8>) -> Int? {
    var s = 0, e = u.count
    while s < e, u[s] == 0x20 { s += 1 }
    while e > s, u[e - 1] == 0x20 { e -= 1 }
    var negative = false
    if s < e, u[s] == UInt8(ascii: "-") || u[s] == UInt8(ascii: "+") { negative = u[s] == UInt8(ascii: "-"); s += 1 }
    guard s < e else { return nil }
    var result = 0
    while s < e {
        let digit = u[s] &- 0x30
        guard digit < 10 else { return nil }
        let (r1, o1) = result.multipliedReportingOverflow(by: 10)
        let (r2, o2) = r1.addingReportingOverflow(Int(digit))
        if o1 || o2 { return nil }
        result = r2
        s += 1
    }
    return negative ? -result : result
}

func parseInteger(_ s: String) -> Int? {
    var s = s
    return s.withUTF8 { parseInteger($0) }
}

func isISODate(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D,
          u[0..<4].allSatisfy(\.isDigit), u[5..<7].allSatisfy(\.isDigit), u[8..<10].allSatisfy(\.isDigit) else { return false }
    let m = Int(s.dropFirst(5).prefix(2))!, d = Int(s.suffix(2))!, y = Int(s.prefix(4))!
    let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return (1...12).contains(m) && d >= 1 && d <= days[m - 1]
}

/// A schema bound as written: `0`, `2.5`, `1e+300` (a bound beyond 2^53 is not shown as an integer, which
/// it may not be, nor converted to one, which would trap past `Int.max`).
func formatBound(_ x: Double) -> String { x == x.rounded() && abs(x) < 9_007_199_254_740_992 ? String(Int(x)) : String(x) }
