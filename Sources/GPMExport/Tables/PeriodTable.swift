import GPMCore

/// One period of one dataset as it is published: the accepted rows of every municipality, then one row per
/// province and key holding the sum of its district municipalities (org unit `ALL`). Stored as small
/// integers in flat arrays: a Marmara-scale period is tens of thousands of rows, and a string per cell
/// would cost more than the rest of the export.
public struct PeriodTable {
    public let layout: TableLayout
    public let period: String
    /// Org units, then provinces' total rows: the names and the province of each unit.
    public private(set) var unitNames: [String] = []
    public private(set) var unitProvince: [String] = []
    /// Whether the unit is a province's total (`ALL`).
    public private(set) var unitIsTotal: [Bool] = []
    /// Per row.
    var rowUnit: [Int32] = []
    var sources: [Int32] = []
    var comments: [Int32] = []
    var commentTexts: [String] = []
    /// Per row and dimension (`row * dimensions + d`).
    var codes: [Int32] = []
    /// Per row and measure (`row * measures + m`): the value, −1 where there is none; the missing reason.
    public internal(set) var values: [Int64] = []
    var reasons: [Int32] = []
    /// Per row and measure, after `protect`.
    public internal(set) var state: [CellState] = []

    /// The code lists' names as they stood when the table was complete (`addProvinceTotals`): every code the table
    /// holds is in them, and reading them takes no lock while other workers add codes to the shared lists.
    private var dimensionNames: [[String]] = []
    private var sourceNames: [String] = []
    private var reasonNames: [String] = []

    public var rowCount: Int { rowUnit.count }
    var dimensionCount: Int { layout.dimensions.count }
    var measureCount: Int { layout.measures.count }

    public init(layout: TableLayout, period: String) {
        self.layout = layout
        self.period = period
    }

    // MARK: Reading

    /// Adds one municipality's file. Rows that cannot be read by the schema are left out and counted (main
    /// holds validated files, so this is for a file that predates a schema change).
    @discardableResult
    public mutating func add(org: String, province: String, bytes: [UInt8]) -> Int {
        let cells = CSV.Cells(bytes)
        guard cells.rowCount > 1 else { return 0 }
        return cells.storage.withUnsafeBufferPointer { buffer -> Int in
            let header = cells.cellRange(0).map { cells.string($0, in: buffer) }
            let dimCol = layout.dimensions.map { header.firstIndex(of: $0) }
            guard dimCol.allSatisfy({ $0 != nil }) else { return cells.rowCount - 1 }
            let measureCol = layout.measures.map { header.firstIndex(of: $0.name) }
            let sourceCol = header.firstIndex(of: "source"), reasonCol = header.firstIndex(of: "missing_reason")
            let commentCol = header.firstIndex(of: "comment")
            let unit = Int32(unitNames.count)
            unitNames.append(org); unitProvince.append(province); unitIsTotal.append(false)
            var skipped = 0
            for r in 1..<cells.rowCount {
                let range = cells.cellRange(r)
                guard range.count == header.count else {
                    if !(range.count == 1 && cells.starts[range.lowerBound] == cells.ends[range.lowerBound]) { skipped += 1 }
                    continue
                }
                func cell(_ k: Int) -> UnsafeBufferPointer<UInt8> {
                    let i = range.lowerBound + k
                    return UnsafeBufferPointer(rebasing: buffer[Int(cells.starts[i])..<Int(cells.ends[i])])
                }
                rowUnit.append(unit)
                for (d, col) in dimCol.enumerated() { codes.append(layout.dimensionCodes[d].id(cell(col!))) }
                let reason = reasonCol.map { cell($0) }.flatMap { $0.isEmpty ? nil : layout.reasons.id($0) } ?? -1
                for col in measureCol {
                    let v = col.map { parseCount(cell($0)) } ?? -1
                    values.append(v)
                    reasons.append(v < 0 ? reason : -1)
                }
                sources.append(sourceCol.map { cell($0) }.flatMap { $0.isEmpty ? nil : layout.sources.id($0) } ?? -1)
                if let commentCol, !cell(commentCol).isEmpty {
                    comments.append(Int32(commentTexts.count))
                    commentTexts.append(String(decoding: cell(commentCol), as: UTF8.self))
                } else {
                    comments.append(-1)
                }
            }
            return skipped
        }
    }

    /// Adds each province's total rows: per key, the sum of its district municipalities' values (a measure
    /// not additive over `org_unit` gets none, with `not_applicable`).
    public mutating func addProvinceTotals() {
        let ownRows = rowCount
        let provinces = Set(unitProvince).sorted()
        let provinceID = Dictionary(uniqueKeysWithValues: provinces.enumerated().map { ($1, Int32($0)) })
        var provinceUnit: [Int32: Int32] = [:]
        var index = KeyIndex(widths: [bits(provinces.count)] + layout.dimensionCodes.map { bits($0.count) }, expected: rowCount)
        var key = [Int32](repeating: 0, count: dimensionCount + 1)
        let orgAdditive = (0..<measureCount).map { layout.isAdditive($0, over: TableLayout.orgUnitDimension) }
        let notApplicable = layout.reasons.id("not_applicable"), notCollected = layout.reasons.id("not_collected")
        // Per org unit, not per row: a string lookup per row cost more than the sums.
        let unitProvinceID = unitProvince.map { provinceID[$0]! }
        let unitIsMetropolitan = unitNames.indices.map(isMetropolitan)
        for row in 0..<ownRows where !unitIsMetropolitan[Int(rowUnit[row])] {
            let province = unitProvince[Int(rowUnit[row])]
            key[0] = unitProvinceID[Int(rowUnit[row])]
            for d in 0..<dimensionCount { key[d + 1] = codes[row * dimensionCount + d] }
            let (total, isNew) = index.id(for: key, next: Int32(rowCount))
            if isNew {
                let unit: Int32
                if let known = provinceUnit[key[0]] { unit = known } else {
                    unit = Int32(unitNames.count)
                    unitNames.append(TableLayout.total); unitProvince.append(province); unitIsTotal.append(true)
                    provinceUnit[key[0]] = unit
                }
                rowUnit.append(unit)
                codes.append(contentsOf: key[1...])
                for m in 0..<measureCount {
                    values.append(-1)
                    reasons.append(orgAdditive[m] ? notCollected : notApplicable)
                }
                sources.append(-1)
                comments.append(-1)
            }
            for m in 0..<measureCount where orgAdditive[m] {
                let v = values[row * measureCount + m]
                guard v >= 0 else { continue }
                let t = Int(total) * measureCount + m
                values[t] = values[t] < 0 ? v : saturatingSum(values[t], v)
                reasons[t] = -1
            }
        }
        // The table is complete: the names of its codes are taken now, for reading it back without a lock.
        dimensionNames = layout.dimensionCodes.map(\.names)
        sourceNames = layout.sources.names
        reasonNames = layout.reasons.names
    }

    private var metropolitan: Set<String> = []

    /// Which org units are metropolitan (left out of the province totals).
    public mutating func setMetropolitan(_ units: Set<String>) { metropolitan = units }

    private func isMetropolitan(_ unit: Int) -> Bool { metropolitan.contains(unitNames[unit]) }

    // MARK: Protection

    /// The groups of this table: along every dimension with an `ALL` code, the `ALL` row and its parts; along
    /// the org-unit hierarchy, the province's total and its district municipalities. One group per measure.
    func addGroups(to protection: inout SmallCountProtection) {
        let n = rowCount, dims = dimensionCount, measures = measureCount
        let unitWidth = bits(unitNames.count)
        // Taken once: other workers may add codes to the shared lists meanwhile (this table's are below).
        let codeCounts = layout.dimensionCodes.map(\.count)
        let provinceIDs = Dictionary(uniqueKeysWithValues: Set(unitProvince).sorted().enumerated().map { ($1, Int32($0)) })
        var key = [Int32](repeating: 0, count: dims + 1)
        // Per group its total's row (−1 none); per row the group it is a part of (−1 none). The parts are
        // gathered group by group in row order (a counting sort), without an array per group.
        var partOf = [Int32](repeating: -1, count: n)
        func emit(_ totals: [Int32], additive: (Int) -> Bool) {
            var starts = [Int32](repeating: 0, count: totals.count + 1)
            for g in partOf where g >= 0 { starts[Int(g) + 1] += 1 }
            for g in 0..<totals.count { starts[g + 1] += starts[g] }
            var fill = starts
            var rows = [Int32](repeating: 0, count: Int(starts[totals.count]))
            for (row, g) in partOf.enumerated() where g >= 0 {
                rows[Int(fill[Int(g)])] = Int32(row)
                fill[Int(g)] += 1
            }
            for g in totals.indices where totals[g] >= 0 && starts[g + 1] > starts[g] {
                let parts = rows[Int(starts[g])..<Int(starts[g + 1])]
                for m in 0..<measures {
                    protection.addGroup(total: Int(totals[g]) * measures + m, parts: parts.lazy.map { Int($0) * measures + m },
                                        additive: additive(m))
                }
            }
        }
        for d in 0..<dims {
            guard let all = layout.allCode[d] else { continue }
            var index = KeyIndex(widths: [unitWidth] + codeCounts.map { bits($0 + 1) }, expected: n)
            var totals: [Int32] = []
            for row in 0..<n {
                key[0] = rowUnit[row]
                for e in 0..<dims { key[e + 1] = e == d ? Int32(codeCounts[e]) : codes[row * dims + e] }
                let (g, isNew) = index.id(for: key, next: Int32(totals.count))
                if isNew { totals.append(-1) }
                if codes[row * dims + d] == all { totals[Int(g)] = Int32(row); partOf[row] = -1 } else { partOf[row] = g }
            }
            let name = layout.dimensions[d]
            emit(totals) { layout.isAdditive($0, over: name) }
        }
        var index = KeyIndex(widths: [bits(provinceIDs.count)] + codeCounts.map { bits($0) }, expected: n)
        var totals: [Int32] = []
        let unitProvinceID = unitProvince.map { provinceIDs[$0]! }
        let unitInProvince = unitNames.indices.map { unitIsTotal[$0] || !isMetropolitan($0) }
        for row in 0..<n {
            partOf[row] = -1
            let unit = Int(rowUnit[row])
            guard unitInProvince[unit] else { continue }
            key[0] = unitProvinceID[unit]
            for e in 0..<dims { key[e + 1] = codes[row * dims + e] }
            let (g, isNew) = index.id(for: key, next: Int32(totals.count))
            if isNew { totals.append(-1) }
            if unitIsTotal[unit] { totals[Int(g)] = Int32(row) } else { partOf[row] = g }
        }
        emit(totals) { layout.isAdditive($0, over: TableLayout.orgUnitDimension) }
    }

    /// Suppresses small counts (1 to `threshold` − 1) and what protects them; `threshold` < 2 publishes all.
    public mutating func protect(threshold: Int) throws(SmallCountProtection.Unprotectable) -> SmallCountProtection.Summary {
        var protection = SmallCountProtection(values: values, threshold: threshold)
        if threshold > 1 { addGroups(to: &protection) }
        let summary = try protection.protect()
        state = protection.state
        return summary
    }

    // MARK: Reading back

    /// Per row: whether it is the `ALL` row of some dimension along which the same org unit has parts.
    public func totalsWithParts() -> [Bool] {
        let dims = dimensionCount
        let codeCounts = layout.dimensionCodes.map(\.count)
        var result = [Bool](repeating: false, count: rowCount)
        var key = [Int32](repeating: 0, count: dims + 1)
        for d in 0..<dims {
            guard let all = layout.allCode[d] else { continue }
            var index = KeyIndex(widths: [bits(unitNames.count)] + codeCounts.map { bits($0 + 1) }, expected: rowCount)
            var hasParts: [Bool] = []
            func id(_ row: Int) -> Int {
                key[0] = rowUnit[row]
                for e in 0..<dims { key[e + 1] = e == d ? Int32(codeCounts[e]) : codes[row * dims + e] }
                let (g, isNew) = index.id(for: key, next: Int32(hasParts.count))
                if isNew { hasParts.append(false) }
                return Int(g)
            }
            for row in 0..<rowCount where codes[row * dims + d] != all { hasParts[id(row)] = true }
            for row in 0..<rowCount where codes[row * dims + d] == all && hasParts[id(row)] { result[row] = true }
        }
        return result
    }

    public func unit(ofRow row: Int) -> Int { Int(rowUnit[row]) }
    public func code(row: Int, dimension d: Int) -> String { dimensionNames[d][Int(codes[row * dimensionCount + d])] }
    public func isTotal(row: Int, dimension d: Int) -> Bool { codes[row * dimensionCount + d] == layout.allCode[d] }
    public func value(row: Int, measure m: Int) -> Int64? {
        let v = values[row * measureCount + m]
        return v < 0 || (state.isEmpty ? false : state[row * measureCount + m].isSuppressed) ? nil : v
    }
    public func cellState(row: Int, measure m: Int) -> CellState {
        state.isEmpty ? (values[row * measureCount + m] < 0 ? .missing : .published) : state[row * measureCount + m]
    }
    /// Why a cell is empty: `suppressed`, the source's reason, or nil for a published value.
    public func missingReason(row: Int, measure m: Int) -> String? {
        switch cellState(row: row, measure: m) {
        case .published: return nil
        case .primary, .secondary: return "suppressed"
        case .missing:
            let r = reasons[row * measureCount + m]
            return r >= 0 ? reasonNames[Int(r)] : "not_collected"
        }
    }
    public func source(row: Int) -> String? { sources[row] >= 0 ? sourceNames[Int(sources[row])] : nil }
    public func comment(row: Int) -> String? { comments[row] >= 0 ? commentTexts[Int(comments[row])] : nil }
}

/// A count cell: digits only; anything else (an empty cell included) is no value.
func parseCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
    guard !bytes.isEmpty, bytes.count <= 18 else { return -1 }
    var v: Int64 = 0
    for b in bytes {
        guard b >= 0x30 && b <= 0x39 else { return -1 }
        v = v * 10 + Int64(b - 0x30)
    }
    return v
}

/// Bits that hold the numbers 0...n.
func bits(_ n: Int) -> Int { max(1, Int.bitWidth - n.leadingZeroBitCount) }

/// Sums saturate: no input makes an export overflow.
func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
    let (s, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int64.max : s
}

/// Ids for keys of a few small integers: packed into one 64-bit word when they fit, and then found in an
/// open-addressing table of words (no allocation and no `Hasher` per lookup: grouping a Marmara-scale
/// export looks up tens of millions of keys); else as arrays.
struct KeyIndex {
    let widths: [Int]
    let packs: Bool
    private var words: PackedKeyMap
    private var arrays: [[Int32]: Int32] = [:]

    /// `expected`: about how many keys will be met (the table is made that large at once).
    init(widths: [Int], expected: Int = 0) {
        self.widths = widths
        packs = widths.reduce(0, +) <= 64
        words = PackedKeyMap(capacity: packs ? expected : 0)
    }

    /// The key's id; a key not seen before gets `next`.
    mutating func id(for key: [Int32], next: Int32) -> (Int32, isNew: Bool) {
        if packs {
            var word: UInt64 = 0
            for (k, w) in zip(key, widths) { word = word << UInt64(w) | UInt64(UInt32(bitPattern: k)) }
            if let known = words.insertIfAbsent(word, next) { return (known, false) }
            return (next, true)
        }
        if let known = arrays[key] { return (known, false) }
        arrays[key] = next
        return (next, true)
    }
}
