/// A reporting period: `2025`, `2025Q1` or `2025-03`.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var type: PeriodType
    public var year: Int
    /// Quarter 1–4 or month 1–12; 0 for a year.
    public var part: Int

    public init?(_ text: String) {
        let u = Array(text.utf8)
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= u.count, u[r].allSatisfy(\.isDigit) else { return nil }
            return u[r].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard u.count >= 4, let y = num(0..<4), y >= 1900 else { return nil }
        switch u.count {
        case 4: type = .year; year = y; part = 0
        case 6 where u[4] == UInt8(ascii: "Q"):
            guard let q = num(5..<6), (1...4).contains(q) else { return nil }
            type = .quarter; year = y; part = q
        case 7 where u[4] == UInt8(ascii: "-"):
            guard let m = num(5..<7), (1...12).contains(m) else { return nil }
            type = .month; year = y; part = m
        default: return nil
        }
    }

    init(type: PeriodType, year: Int, part: Int) { self.type = type; self.year = year; self.part = part }

    /// First month of the period, 1–12.
    public var firstMonth: Int {
        switch type {
        case .year: return 1
        case .quarter: return (part - 1) * 3 + 1
        case .month: return part
        }
    }

    /// The period just before this one.
    public var previous: Period {
        switch type {
        case .year: return Period(type: .year, year: year - 1, part: 0)
        case .quarter: return part == 1 ? Period(type: .quarter, year: year - 1, part: 4) : Period(type: .quarter, year: year, part: part - 1)
        case .month: return part == 1 ? Period(type: .month, year: year - 1, part: 12) : Period(type: .month, year: year, part: part - 1)
        }
    }

    /// Whether the period has begun by the given year and month.
    public func hasBegun(year y: Int, month m: Int) -> Bool {
        year < y || (year == y && firstMonth <= m)
    }

    public var description: String {
        switch type {
        case .year: return "\(year)"
        case .quarter: return "\(year)Q\(part)"
        case .month: return "\(year)-" + (part < 10 ? "0\(part)" : "\(part)")
        }
    }

    public static func < (a: Period, b: Period) -> Bool { (a.year, a.firstMonth) < (b.year, b.firstMonth) }
}
