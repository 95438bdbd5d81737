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
/// over its dimension (`nonAdditiveOver`) publishes only bounds (`max(parts) ≤ total ≤ Σ parts`); its own
/// rule: the group rule as for any group, and in the exactness check each bound that is tight at the true
/// values as the equation it then is.
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
    /// before the total on a tie. Never a zero: everyone knows a count is not negative, so a hidden zero
    /// would be pinned at once (and with it, through the equations, the cells beside it).
    private func cheapestPublished(in g: Int) -> Int? {
        var best: Int?
        var bestKey = (Int64.max, 1, Int.max)
        for k in Int(starts[g])..<Int(starts[g + 1]) {
            let c = Int(members[k])
            guard state[c] == .published, values[c] > 0 else { continue }
            let key = (values[c], k == Int(starts[g]) ? 1 : 0, c)
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
    /// When every cell of its own groups is hidden already, the cheapest cell of any group that reaches its
    /// connected set is hidden instead (a new unknown in one of the set's equations).
    private mutating func hideComplement(of cell: Int) -> Int32? {
        var choice: (group: Int32, cell: Int, value: Int64)?
        func consider(_ g: Int32) {
            guard let c = cheapestPublished(in: Int(g)) else { return }
            if choice == nil || values[c] < choice!.value { choice = (g, c, values[c]) }
        }
        groups(of: cell).forEach(consider)
        if choice == nil, let comp = components(from: [cell]).first {
            for c in comp.cells { groups(of: c).forEach(consider) }
        }
        guard let choice else { return nil }
        state[choice.cell] = .secondary
        return choice.group
    }

    // MARK: Step 2, the exactness check

    /// Connected sets of suppressed cells (linked by groups) and the equations of each (+1 for the total,
    /// −1 for each part, over the set's cells; see `equations`). `from`: only the
    /// sets that reach these cells (nil: every set).
    func components(from seeds: [Int]?) -> [(cells: [Int], equations: LinearSpan)] {
        var seen = Set<Int>()
        var result: [(cells: [Int], equations: LinearSpan)] = []
        let starting = seeds ?? state.indices.filter { state[$0].isSuppressed }
        for seed in starting where state[seed].isSuppressed && !seen.contains(seed) {
            var component: [Int] = [seed]
            var groupsSeen: [Int32] = []
            var groupSet = Set<Int32>()
            seen.insert(seed)
            var i = 0
            while i < component.count {
                for g in groups(of: component[i]) where groupSet.insert(g).inserted {
                    groupsSeen.append(g)
                    for k in Int(starts[Int(g)])..<Int(starts[Int(g) + 1]) {
                        let c = Int(members[k])
                        if state[c].isSuppressed && seen.insert(c).inserted { component.append(c) }
                    }
                }
                i += 1
            }
            var column: [Int: Int] = [:]
            for (j, c) in component.enumerated() { column[c] = j }
            var equations = LinearSpan(columns: component.count)
            for g in groupsSeen {
                let cells = members[Int(starts[Int(g)])..<Int(starts[Int(g) + 1])].map { Int($0) }
                for (total, parts) in self.equations(total: cells[0], parts: cells.dropFirst(), additive: additive[Int(g)]) {
                    var row: [(Int, Double)] = []
                    if let j = column[total] { row.append((j, 1)) }
                    for p in parts { if let j = column[p] { row.append((j, -1)) } }
                    if !row.isEmpty { equations.add(row) }
                }
            }
            result.append((component, equations))
        }
        return result
    }

    /// What a group tells: `total = Σ parts` when additive. A group of a measure that is not additive over
    /// its dimension tells `parts ≤ total ≤ Σ parts`; a bound that is slack at the true values leaves every
    /// cell free to move a little, and one that is tight is taken as the equation it then is (`total = Σ
    /// parts`, `total = part`). A check that left such groups out let a linear programme pin cells where a
    /// bound was tight.
    private func equations(total: Int, parts: ArraySlice<Int>, additive: Bool) -> [(Int, [Int])] {
        if additive { return [(total, Array(parts))] }
        var out: [(Int, [Int])] = []
        if parts.reduce(Int64(0), { saturatingSum($0, values[$1]) }) == values[total] { out.append((total, Array(parts))) }
        for p in parts where values[p] == values[total] { out.append((total, [p])) }
        return out
    }

    /// Suppressed cells that the published equations determine.
    func determinedCells(from seeds: [Int]?) -> [Int] {
        components(from: seeds).flatMap { comp in comp.equations.determinedColumns().map { comp.cells[$0] } }
    }

    // For tests: the state of a cell set by hand (a trial of the pruning, primary suppression alone).
    mutating func republish(_ c: Int) { state[c] = .published }
    mutating func setState(_ c: Int, _ s: CellState) { state[c] = s }
    mutating func indexForTests() { indexGroups() }

    // MARK: Step 3, pruning

    /// Publishes again each secondary cell, largest first, that the protection does not need. Publishing a
    /// cell x fixes it; a cell c then becomes determined iff every solution of the homogeneous system that
    /// leaves x unchanged leaves c unchanged, i.e. iff c's row of a null-space basis is a multiple of x's.
    /// So each connected set's null space is computed once, a candidate is tried by comparing rows, and a
    /// published cell is removed from the basis by one elimination step.
    private mutating func prune() {
        let secondary = Set(state.indices.filter { state[$0] == .secondary })
        guard !secondary.isEmpty else { return }
        for comp in components(from: Array(secondary)) {
            var basis = comp.equations.nullSpace()
            var row: [Int: Int] = [:]
            for (j, c) in comp.cells.enumerated() { row[c] = j }
            var alive = [Bool](repeating: true, count: comp.cells.count)
            let candidates = comp.cells.filter { secondary.contains($0) }.sorted { (values[$0], $0) > (values[$1], $1) }
            for x in candidates {
                state[x] = .published
                let ruleHolds = groups(of: x).allSatisfy { let n = suppressedCount(Int($0)); return n == 0 || n >= 2 }
                let j = row[x]!
                if ruleHolds && !basis.rowIsParallelToAnother(j, among: alive) {
                    basis.fix(row: j)
                    alive[j] = false
                } else {
                    state[x] = .secondary
                }
            }
        }
    }
}

/// A linear system over the suppressed cells of one connected set, reduced to row echelon form by
/// Gauss–Jordan elimination with partial pivoting on a dense matrix (a set is tens to hundreds of cells).
struct LinearSpan {
    let columns: Int
    private var rows: [[Double]] = []
    private static let epsilon = 1e-9

    init(columns: Int) { self.columns = columns }

    mutating func add(_ equation: [(Int, Double)]) {
        var r = [Double](repeating: 0, count: columns)
        for (j, v) in equation { r[j] += v }
        rows.append(r)
    }

    /// The reduced row echelon form: its rows, and the pivot column of each.
    private func reduced() -> (rows: [[Double]], pivots: [Int]) {
        var a = rows
        var pivots: [Int] = []
        var rank = 0
        for col in 0..<columns where rank < a.count {
            var best = rank
            for r in rank..<a.count where abs(a[r][col]) > abs(a[best][col]) { best = r }
            guard abs(a[best][col]) > Self.epsilon else { continue }
            a.swapAt(rank, best)
            let p = a[rank][col]
            for k in 0..<columns { a[rank][k] /= p }
            for r in 0..<a.count where r != rank && abs(a[r][col]) > Self.epsilon {
                let f = a[r][col]
                for k in 0..<columns where a[rank][k] != 0 { a[r][k] -= f * a[rank][k] }
                a[r][col] = 0
            }
            pivots.append(col)
            rank += 1
        }
        return (Array(a.prefix(rank)), pivots)
    }

    /// Columns whose unit vector is in the row space: the values the equations fix.
    func determinedColumns() -> [Int] {
        let (r, pivots) = reduced()
        return pivots.enumerated().compactMap { i, col in
            (0..<columns).allSatisfy { $0 == col || abs(r[i][$0]) <= Self.epsilon } ? col : nil
        }
    }

    /// A basis of the null space, as one row of coefficients per column (cell).
    func nullSpace() -> NullSpace {
        let (r, pivots) = reduced()
        let pivotSet = Set(pivots)
        let free = (0..<columns).filter { !pivotSet.contains($0) }
        var basis = [[Double]](repeating: [Double](repeating: 0, count: free.count), count: columns)
        for (k, f) in free.enumerated() { basis[f][k] = 1 }
        for (i, col) in pivots.enumerated() {
            for (k, f) in free.enumerated() { basis[col][k] = -r[i][f] }
        }
        return NullSpace(rows: basis)
    }
}

/// A null-space basis, row by cell: cell c can move in a solution iff its row is not zero; fixing cell x
/// fixes cell c too iff their rows are parallel.
struct NullSpace {
    var rows: [[Double]]
    private static let epsilon = 1e-7

    /// Whether row `j` is parallel to another row still in play (or is zero itself).
    func rowIsParallelToAnother(_ j: Int, among alive: [Bool]) -> Bool {
        let v = rows[j]
        let vv = v.reduce(0) { $0 + $1 * $1 }
        guard vv > Self.epsilon else { return true }
        for c in rows.indices where c != j && alive[c] {
            let w = rows[c]
            var wv = 0.0, ww = 0.0
            for k in v.indices { wv += w[k] * v[k]; ww += w[k] * w[k] }
            // |w|²|v|² − (w·v)² = 0 iff parallel (Cauchy–Schwarz); a zero row is parallel to everything.
            if ww * vv - wv * wv <= Self.epsilon * max(1, ww * vv) { return true }
        }
        return false
    }

    /// Restricts the basis to the solutions where cell `j` does not move (it is published).
    mutating func fix(row j: Int) {
        let v = rows[j]
        guard let p = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), abs(v[p]) > Self.epsilon else { return }
        for c in rows.indices {
            let f = rows[c][p] / v[p]
            guard f != 0 else { continue }
            for k in v.indices { rows[c][k] -= f * v[k] }
        }
        for c in rows.indices { rows[c].remove(at: p) }
    }
}
