/// Arithmetic on values read from files. A cell may hold any 64-bit integer and a schema any double, so
/// every sum, difference and conversion here stops at the ends of the range instead of trapping: a count of
/// 10^17 is reported as unusual, it never ends the process.
extension Int {
    /// `x` rounded toward zero and held within `Int`'s range; NaN is 0.
    init(saturating x: Double) {
        if x.isNaN { self = 0 }
        else if x >= 9_223_372_036_854_775_807.0 { self = .max } // 2^63: the first double past Int.max
        else if x <= -9_223_372_036_854_775_808.0 { self = .min }
        else { self = Int(x) }
    }

    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func saturatingSubtract(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }
}
