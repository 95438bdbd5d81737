/// What happens to one published cell.
public enum CellState: UInt8, Sendable {
    case published
    /// A count from 1 to N−1: hidden because it is small.
    case primary
    /// Hidden so that a primary cell cannot be worked out from the published totals.
    case secondary
    /// Empty in the source (with its own `missing_reason`): neither a value nor a secret.
    case missing

    public var isSuppressed: Bool { self == .primary || self == .secondary }
}

/// Small-count protection of tables with totals: primary suppression of the counts from 1 to N−1, and
/// secondary suppression of as few further cells as it takes that no suppressed value can be worked out
/// exactly from what is published.
///
/// The tables are given as cells (a value, or nil where the source has none) and groups. A group is a
/// total and its parts: the `ALL` row along one dimension and the rows of that dimension's codes with
/// everything else equal, or a province's total and its districts. An additive group publishes the
/// equation `total = Σ parts`; the attacker is assumed to know it even where codes are absent from the
/// table (absent rows are taken as zero: the cautious reading). A group of a measure that is not additive
/// over its dimension (`nonAdditiveOver`) publishes only bounds (`max(parts) ≤ total ≤ Σ parts`).
///
/// The method, in three steps:
/// 1. **Group rule** (Eurostat's and ONS's): every group holds zero or at least two suppressed cells. A
///    group with exactly one gets the smallest other published positive cell hidden too (a part before the
///    total on a tie: it loses the less). Repeated, group by group, until no group changes.
/// 2. **Exactness check**: the rule is not enough where groups cross (a table with several dimensions, and
///    the district → province hierarchy over it). The published additive equations, restricted to the
///    suppressed cells, form a linear system `A·x = b`; a suppressed cell `c` can be worked out exactly iff
///    the unit vector `e_c` lies in the row space of `A`, i.e. iff the reduced row echelon form of `A` has the
///    row `e_c`. Each connected set of suppressed cells is reduced on its own. A cell found so gets a further
///    cell of one of its groups hidden, and step 1 runs again, until no cell can be worked out. Because
///    secondary cells are positive, the true values lie inside the non-negative orthant, so no linear
///    programme can pin a cell that the row space leaves free.
/// 3. **Pruning**: each secondary cell, largest first, is published again if the rule and the exactness
///    check still hold without it. What remains hidden is needed: publishing any one secondary cell alone
///    would break the protection (the export's tests check this).
public struct SmallCountProtection: Sendable {
    public let threshold: Int
    /// Per cell: the value, −1 where the source has none.
    public private(set) var values: [Int64]
    public private(set) var state: [CellState]

    // Groups, flattened: group g's cells are members[starts[g]..<starts[g+1]], the first being the total.
    private var starts: [Int32] = [0]
    private var members: [Int32] = []
    private var additive: [Bool] = []
    // Cell → groups, built once protection starts.
    private var cellGroupStarts: [Int32] = []
    private var cellGroups: [Int32] = []

    /// What protection did.
    public struct Summary: Sendable, Equatable {
        public var cells = 0
        public var primary = 0
        public var secondary = 0
        public static func + (a: Summary, b: Summary) -> Summary {
            Summary(cells: a.cells + b.cells, primary: a.primary + b.primary, secondary: a.secondary + b.secondary)
        }
        public init(cells: Int = 0, primary: Int = 0, secondary: Int = 0) { self.cells = cells; self.primary = primary; self.secondary = secondary }
    }

    /// A suppressed cell that could still be worked out: protection failed, and nothing may be published.
    public struct Unprotectable: Error, Sendable { public var cells: [Int] }

    /// `values`: per cell, nil where the source has no value. `threshold`: N (cells from 1 to N−1 are hidden).
    public init(values: [Int64], threshold: Int) {
        self.threshold = threshold
        self.values = values
        state = values.map { $0 < 0 ? .missing : .published }
    }

    public init(values: [Int?], threshold: Int) {
        self.init(values: values.map { $0.map(Int64.init) ?? -1 }, threshold: threshold)
    }

    public var groupCount: Int { additive.count }

    /// Adds a group. A group whose total is missing publishes no equation and is left out, as is one with
    /// fewer than two cells that have values.
    public mutating func addGroup(total: Int, parts: some Collection<Int>, additive isAdditive: Bool) {
        guard values[total] >= 0, parts.contains(where: { values[$0] >= 0 }) else { return }
        members.append(Int32(total))
        for p in parts where values[p] >= 0 { members.append(Int32(p)) }
        starts.append(Int32(members.count))
        additive.append(isAdditive)
    }

    /// The cells of group `g`, total first.
    public func group(_ g: Int) -> (cells: ArraySlice<Int32>, additive: Bool) {
        (members[Int(starts[g])..<Int(starts[g + 1])], additive[g])
    }

    /// Runs the three steps; throws when some suppressed cell cannot be protected (nothing left to hide).
    @discardableResult
    public mutating func protect() throws(Unprotectable) -> Summary {
        guard threshold > 1 else { return Summary(cells: values.count) }
        indexGroups()
        var queue: [Int32] = []
        for c in values.indices where values[c] >= 1 && values[c] < Int64(threshold) {
            state[c] = .primary
        }
        queue = Array(0..<Int32(groupCount))
        var rounds = 0
        while true {
            applyGroupRule(&queue)
            let determined = determinedCells(from: nil)
            if determined.isEmpty { break }
            rounds += 1
            var progressed = false
            for c in determined where state[c].isSuppressed {
                if let g = hideComplement(of: c) { progressed = true; queue.append(g) }
            }
            if !progressed || rounds > values.count { throw Unprotectable(cells: determined) }
        }
        prune()
        var s = Summary(cells: values.count)
        for st in state {
            if st == .primary { s.primary += 1 } else if st == .secondary { s.secondary += 1 }
        }
        return s
    }

    // MARK: Step 1, the group rule

    private mutating func indexGroups() {
        var counts = [Int32](repeating: 0, count: values.count + 1)
        for m in members { counts[Int(m) + 1] += 1 }
        for i in 1..<counts.count { counts[i] += counts[i - 1] }
        cellGroupStarts = counts
        cellGroups = [Int32](repeating: 0, count: members.count)
        var fill = counts
        for g in 0..<groupCount {
            for k in Int(starts[g])..<Int(starts[g + 1]) {
                let c = Int(members[k])
                cellGroups[Int(fill[c])] = Int32(g)
                fill[c] += 1
            }
        }
    }

    private func groups(of cell: Int) -> ArraySlice<Int32> {
        cellGroups[Int(cellGroupStarts[cell])..<Int(cellGroupStarts[cell + 1])]
    }

    private func suppressedCount(_ g: Int) -> Int {
        var n = 0
        for k in Int(starts[g])..<Int(starts[g + 1]) where state[Int(members[k])].isSuppressed { n += 1 }
        return n
    }

    /// The published cell of group `g` that costs least to hide: the smallest positive value, a part
    /// before the total on a tie; a zero only when nothing else is left (a hidden zero can be pinned by
    /// non-negativity, so it is the last resort).
    private func cheapestPublished(in g: Int) -> Int? {
        var best: Int?
        var bestKey = (Int64.max, 1, Int.max)
        for k in Int(starts[g])..<Int(starts[g + 1]) {
            let c = Int(members[k])
            guard state[c] == .published else { continue }
            let v = values[c]
            let key = (v == 0 ? Int64.max - 1 : v, k == Int(starts[g]) ? 1 : 0, c)
            if best == nil || key < bestKey { best = c; bestKey = key }
        }
        return best
    }

    private mutating func hide(_ c: Int, into queue: inout [Int32]) {
        state[c] = .secondary
        queue.append(contentsOf: groups(of: c))
    }

    private mutating func applyGroupRule(_ queue: inout [Int32]) {
        while let g = queue.popLast().map(Int.init) {
            guard suppressedCount(g) == 1, let c = cheapestPublished(in: g) else { continue }
            hide(c, into: &queue)
        }
    }

    /// Hides one more cell beside `cell`, in the additive group where it costs least; returns that group.
    private mutating func hideComplement(of cell: Int) -> Int32? {
        var choice: (group: Int32, cell: Int, value: Int64)?
        for g in groups(of: cell) where additive[Int(g)] {
            guard let c = cheapestPublished(in: Int(g)) else { continue }
            let v = values[c] == 0 ? Int64.max : values[c]
            if choice == nil || v < choice!.value { choice = (g, c, v) }
        }
        guard let choice else { return nil }
        state[choice.cell] = .secondary
        return choice.group
    }

    // MARK: Step 2, the exactness check

    /// Suppressed cells that the published additive equations determine. `from`: only the connected sets
    /// of suppressed cells that reach these cells (nil: every set).
    func determinedCells(from seeds: [Int]?) -> [Int] {
        var seen = Set<Int>()
        var result: [Int] = []
        let starting = seeds ?? state.indices.filter { state[$0].isSuppressed }
        for seed in starting where state[seed].isSuppressed && !seen.contains(seed) {
            // One connected set: suppressed cells linked by additive groups.
            var component: [Int] = [seed]
            var groupsSeen = Set<Int32>()
            seen.insert(seed)
            var i = 0
            while i < component.count {
                for g in groups(of: component[i]) where additive[Int(g)] && groupsSeen.insert(g).inserted {
                    for k in Int(starts[Int(g)])..<Int(starts[Int(g) + 1]) {
                        let c = Int(members[k])
                        if state[c].isSuppressed && seen.insert(c).inserted { component.append(c) }
                    }
                }
                i += 1
            }
            var column: [Int: Int32] = [:]
            for (j, c) in component.enumerated() { column[c] = Int32(j) }
            var equations = LinearSpan(columns: component.count)
            for g in groupsSeen {
                var row: [(Int32, Double)] = []
                for k in Int(starts[Int(g)])..<Int(starts[Int(g) + 1]) {
                    if let j = column[Int(members[k])] { row.append((j, k == Int(starts[Int(g)]) ? 1 : -1)) }
                }
                equations.add(row)
            }
            for j in equations.determinedColumns() { result.append(component[j]) }
        }
        return result
    }

    // For tests: the state of a cell set by hand (a trial of the pruning, primary suppression alone).
    mutating func republish(_ c: Int) { state[c] = .published }
    mutating func setState(_ c: Int, _ s: CellState) { state[c] = s }
    mutating func indexForTests() { indexGroups() }

    // MARK: Step 3, pruning

    private mutating func prune() {
        let secondary = state.indices.filter { state[$0] == .secondary }.sorted { (values[$0], $0) > (values[$1], $1) }
        for c in secondary {
            state[c] = .published
            let ruleHolds = groups(of: c).allSatisfy { let n = suppressedCount(Int($0)); return n == 0 || n >= 2 }
            var neighbours: [Int] = []
            if ruleHolds {
                for g in groups(of: c) where additive[Int(g)] {
                    for k in Int(starts[Int(g)])..<Int(starts[Int(g) + 1]) where state[Int(members[k])].isSuppressed {
                        neighbours.append(Int(members[k]))
                    }
                }
            }
            if !ruleHolds || !determinedCells(from: neighbours).isEmpty { state[c] = .secondary }
        }
    }
}

/// The row space of a sparse linear system, kept in reduced row echelon form as equations arrive
/// (Gauss–Jordan elimination on sparse rows, largest pivot first).
struct LinearSpan {
    let columns: Int
    private var rows: [[(Int32, Double)]] = []
    private var pivotRow: [Int32]
    private static let epsilon = 1e-9

    init(columns: Int) {
        self.columns = columns
        pivotRow = [Int32](repeating: -1, count: columns)
    }

    /// `a − f·b` over sorted sparse rows, dropping what rounds to zero.
    private static func subtract(_ a: [(Int32, Double)], _ f: Double, _ b: [(Int32, Double)]) -> [(Int32, Double)] {
        var out: [(Int32, Double)] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].0 < b[j].0) { out.append(a[i]); i += 1; continue }
            if i == a.count || b[j].0 < a[i].0 { out.append((b[j].0, -f * b[j].1)); j += 1; continue }
            let v = a[i].1 - f * b[j].1
            if abs(v) > epsilon { out.append((a[i].0, v)) }
            i += 1; j += 1
        }
        return out
    }

    mutating func add(_ equation: [(Int32, Double)]) {
        var e = equation.sorted { $0.0 < $1.0 }
        // Reduce by every pivot the equation touches; rows are fully reduced, so no pivot comes back.
        var k = 0
        while k < e.count {
            let (col, v) = e[k]
            let p = pivotRow[Int(col)]
            if p >= 0 { e = Self.subtract(e, v, rows[Int(p)]) } else { k += 1 }
        }
        guard let pivot = e.indices.max(by: { abs(e[$0].1) < abs(e[$1].1) }), abs(e[pivot].1) > Self.epsilon else { return }
        let (col, v) = e[pivot]
        e = e.map { ($0.0, $0.1 / v) }
        for r in rows.indices {
            if let hit = rows[r].first(where: { $0.0 == col }) { rows[r] = Self.subtract(rows[r], hit.1, e) }
        }
        pivotRow[Int(col)] = Int32(rows.count)
        rows.append(e)
    }

    /// Columns whose unit vector is in the row space: the values the equations fix.
    func determinedColumns() -> [Int] {
        (0..<columns).filter { c in
            let p = pivotRow[c]
            return p >= 0 && rows[Int(p)].count == 1
        }
    }
}
