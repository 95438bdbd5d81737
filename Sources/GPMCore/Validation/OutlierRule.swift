import Foundation

/// `outlier`: a value a reviewer should look at against the same cell's filed periods among the 12 before.
///
/// What it is for: typing errors, a digit added or lost (×10 or ÷10), which pass every structural rule.
/// Why this test and not another:
/// - DHIS2 offers three methods: a z-score (mean ± k standard deviations), a modified z-score (Iglewicz and
///   Hoaglin: 0.6745·(x − median)/MAD, flagged beyond 3 or 3.5) and min–max ranges generated from history.
///   Its own manual warns that mean and standard deviation raise excessive false alarms on skewed,
///   zero-inflated aggregate counts, and that seasonal data needs more than either.
/// - The modified z-score resists an earlier error in the history, but a MAD of 12 points is itself noisy
///   (often a third of the true spread), so |z| > 3 flagged about 4 % of ordinary values; and like the
///   z-score it treats a count of 5 as it treats 5,000, where counting noise alone is ±2 against ±70.
/// - So the rule works on the scale typing errors live on, a ratio, against the median (robust to an
///   earlier error), and flags only when all three hold:
///   1. the value is more than `fold` (2.5) times the median, or less than 1/2.5 of it (with 1 added to
///      both, so zeros compare);
///   2. counting noise cannot explain it: on Anscombe's scale 2√(x + 3/8), where a Poisson count has unit
///      variance, value and median are more than `countingNoise` (5) apart — 12 after a median of 5 is not
///      flagged, 600 after 60 is;
///   3. the cell's own history does not move that much: the log ratio is beyond `spread` (4) robust
///      standard deviations (1.4826·MAD) of log(x + 1) over the history. A strongly seasonal or erratic
///      cell gets a wider band, but never wider than `widest` (5×), so a digit added or lost (a ratio of
///      about 5 to 11) is still seen there; a tight MAD never narrows it below the 2.5× floor (the modified
///      z-score's failure).
/// - A typing error is a ratio near 10, far beyond the floor; ordinary series (a few percent of noise, a
///   trend of a few percent a period, seasonality up to ±25 %) rarely leave it. The thresholds were chosen
///   with `gpmsync-bench outliers` (generated series, typing errors planted): 0.015 % of ordinary values
///   flagged and 99.7 % of typing errors, on three seeds; a simulation with 15 % noise and ±50 % seasons gave
///   0.06 % and 99.2 %. The rule it replaced flagged about 30 % of the same ordinary values.
/// All arithmetic is in `Double` on finite values (an `Int64` converts exactly or rounds): no count can
/// make it trap, and no `Double` is turned back into an integer unless it is integral and small.
public struct OutlierRule {
    let path: String
    let plan: TablePlan
    let rows: KeyedRows

    /// Ratio to the median beyond which a value is looked at further.
    public static let fold = 2.5
    /// Least distance, in Poisson standard deviations on the 2√(x + 3/8) scale, between value and median.
    public static let countingNoise = 5.0
    /// Robust standard deviations of the cell's own log values the ratio must exceed.
    public static let spread = 4.0
    /// The widest band the cell's own spread can ask for, as a ratio to the median.
    public static let widest = 5.0

    /// What a flagged value was compared with.
    public struct Comparison: Sendable, Equatable {
        public var value: Int
        /// The median of the earlier values, and how many there were.
        public var median: Double
        public var periods: Int
        public var lowest: Double
        public var highest: Double
    }

    /// The judgement on one cell: nil for an ordinary value. `history` holds the cell's filed earlier values
    /// (non-negative, in any order) and is reordered in place. Negative values are not judged.
    public static func judge(_ value: Int, history: UnsafeMutableBufferPointer<Double>) -> Comparison? {
        let n = history.count
        guard value >= 0, n > 0, let base = history.baseAddress else { return nil }
        var lowest = history[0], highest = history[0]
        for x in history { lowest = min(lowest, x); highest = max(highest, x) }
        let v = Double(value)
        if isWithinFold(v, lowest: lowest, highest: highest) { return nil }
        let median = sortedMedian(base, n)
        let ratio = (v + 1) / (median + 1)
        guard ratio > fold || ratio < 1 / fold else { return nil }
        guard 2 * abs((v + 0.375).squareRoot() - (median + 0.375).squareRoot()) > countingNoise else { return nil }
        // The history is sorted now, and log is monotonic: its logs are sorted too.
        for i in 0..<n { base[i] = log(base[i] + 1) }
        let center = n % 2 == 1 ? base[n / 2] : (base[n / 2 - 1] + base[n / 2]) / 2
        for i in 0..<n { base[i] = abs(base[i] - center) }
        let deviation = 1.4826 * sortedMedian(base, n)
        guard abs(log(ratio)) > min(spread * deviation, log(widest)) else { return nil }
        return Comparison(value: value, median: median, periods: n, lowest: lowest, highest: highest)
    }

    /// Within 2.5 times of every earlier value (their lowest and highest) is within 2.5 times of their
    /// median: `judge`'s first test, at which most cells stop.
    @inline(__always)
    static func isWithinFold(_ v: Double, lowest: Double, highest: Double) -> Bool {
        (v + 1) * fold >= highest + 1 && v + 1 <= fold * (lowest + 1)
    }

    /// `history[0]` is the period just before, `history[11]` twelve periods before; nil where none was filed.
    func check(history: [KeyedRows?]) -> [Diagnostic] {
        let tables = history.compactMap { $0 }
        guard !tables.isEmpty else { return [] }
        let n = rows.count, measureCount = plan.measures.count, periods = tables.count
        // Per earlier table and cell of this table, the cell's value there, NaN where it has none: gathered
        // one earlier table at a time through plain pointers, `earlier[k * cells + cell]`.
        let cells = n * measureCount
        let earlier = UnsafeMutableBufferPointer<Double>.allocate(capacity: cells * periods)
        earlier.initialize(repeating: .nan)
        defer { earlier.deallocate() }
        let none = KeyedRows.none
        rows.keys.withUnsafeBufferPointer { keys in
            for (k, table) in tables.enumerated() {
                table.measures.withUnsafeBufferPointer { values in
                    for r in 0..<n {
                        guard let p = table.row(keys[r], hint: r) else { continue }
                        for m in 0..<measureCount {
                            let x = values[p &* measureCount &+ m]
                            if x != none && x >= 0 { earlier[k &* cells &+ r &* measureCount &+ m] = Double(x) }
                        }
                    }
                }
            }
        }
        var out: [Diagnostic] = []
        let names = plan.measures.map(\.name)
        var en: [UInt8] = [], tr: [UInt8] = []
        withUnsafeTemporaryAllocation(of: Double.self, capacity: periods) { scratch in
            rows.measures.withUnsafeBufferPointer { values in
                for cell in 0..<cells where values[cell] != none && values[cell] >= 0 {
                    // `judge`'s first test here, before any copying: most cells stop at it.
                    var lowest = Double.infinity, highest = -Double.infinity, count = 0
                    for k in 0..<periods {
                        let x = earlier[k &* cells &+ cell]
                        if !x.isNaN { lowest = min(lowest, x); highest = max(highest, x); count &+= 1 }
                    }
                    let v = Double(values[cell])
                    guard count > 0, !Self.isWithinFold(v, lowest: lowest, highest: highest) else { continue }
                    var filled = 0
                    for k in 0..<periods {
                        let x = earlier[k &* cells &+ cell]
                        if !x.isNaN { scratch[filled] = x; filled &+= 1 }
                    }
                    guard let comparison = Self.judge(Int(values[cell]), history: UnsafeMutableBufferPointer(rebasing: scratch[0..<filled])) else { continue }
                    let (r, m) = cell.quotientAndRemainder(dividingBy: measureCount)
                    out.append(Diagnostic(path: path, line: Int(rows.lines[r]), field: names[m], rule: "outlier", severity: .warning,
                                          message: comparison.message(field: names[m], en: &en, tr: &tr)))
                }
            }
        }
        return out
    }
}

extension OutlierRule.Comparison {
    /// "count = 1020 is unusual: 10.1 times the median of its 12 earlier periods, 101 (they ranged from 95 to
    /// 110)", in both languages.
    func message(field: String) -> Message {
        var en: [UInt8] = [], tr: [UInt8] = []
        return message(field: field, en: &en, tr: &tr)
    }

    /// The same, built in `en` and `tr` (emptied first), which a caller with many findings reuses.
    func message(field: String, en: inout [UInt8], tr: inout [UInt8]) -> Message {
        // Each language's sentence built as bytes: a tree with many findings formats tens of thousands, and
        // appending to a `String` piece by piece cost more than the rule itself.
        en.removeAll(keepingCapacity: true); tr.removeAll(keepingCapacity: true)
        en.reserveCapacity(192); tr.reserveCapacity(192)
        func put(_ s: StaticString, _ out: inout [UInt8]) {
            out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }
        en.append(contentsOf: field.utf8); put(" = ", &en); CSV.appendInteger(Int64(value), to: &en); put(" is unusual: ", &en)
        tr.append(contentsOf: field.utf8); put(" = ", &tr); CSV.appendInteger(Int64(value), to: &tr); put(" olağan dışı: ", &tr)
        let v = Double(value), more = v > median
        let ratio: Double? = v == 0 || median == 0 ? nil : (more ? v / median : median / v)
        if let ratio {
            appendOneDecimal(ratio, to: &en, comma: false)
            put(more ? " times " : " times less than ", &en)
        } else {
            put("compared with ", &en)
        }
        if periods == 1 {
            put("the value of its one earlier period, ", &en); Self.appendNumber(median, to: &en, comma: false)
            put("önceki tek dönemdeki ", &tr); Self.appendNumber(median, to: &tr, comma: true); put(" değer", &tr)
        } else {
            put("the median of its ", &en); CSV.appendInteger(Int64(periods), to: &en); put(" earlier periods, ", &en)
            Self.appendNumber(median, to: &en, comma: false)
            put("önceki ", &tr); CSV.appendInteger(Int64(periods), to: &tr); put(" dönemin ortancası olan ", &tr)
            Self.appendNumber(median, to: &tr, comma: true); put(" değer", &tr)
        }
        if let ratio {
            put(more ? "inin " : "inden ", &tr); appendOneDecimal(ratio, to: &tr, comma: true); put(more ? " katı" : " kat az", &tr)
        } else {
            put("iyle karşılaştırıldı", &tr)
        }
        if periods != 1 {
            put(" (they ranged from ", &en); Self.appendNumber(lowest, to: &en, comma: false)
            put(" to ", &en); Self.appendNumber(highest, to: &en, comma: false); put(")", &en)
            put(" (bu dönemlerde ", &tr); Self.appendNumber(lowest, to: &tr, comma: false)
            put(" ile ", &tr); Self.appendNumber(highest, to: &tr, comma: false); put(" arasındaydı)", &tr)
        }
        return Message(en: String(decoding: en, as: UTF8.self), tr: String(decoding: tr, as: UTF8.self))
    }

    /// A count as written (a median may end in .5), without converting a huge `Double` to an integer;
    /// `comma`: with Turkish's decimal comma.
    static func appendNumber(_ x: Double, to out: inout [UInt8], comma: Bool) {
        if x == x.rounded() && abs(x) < 1e15 { CSV.appendInteger(Int64(x), to: &out) }
        else if x == x.rounded() { out.append(contentsOf: String(format: "%.0f", x).utf8) }
        else { appendOneDecimal(x, to: &out, comma: comma) }
    }
}
