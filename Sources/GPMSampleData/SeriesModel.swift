import Foundation

/// Counts that move the way a municipality's records do from one period to the next: each cell has its own
/// level (from a handful to thousands, log-normal around 60), a few percent of noise on top of counting
/// (Poisson) noise, a slow trend, and a yearly season. Every draw is a hash of the seed, the cell and the
/// period, so any period of any cell can be generated on its own, in any order, and the same seed always
/// gives the same numbers.
public struct SeriesModel: Sendable {
    public var seed: UInt64
    /// Cells' levels: log-normal with this median and standard deviation of the log.
    public var levelMedian = 60.0
    public var levelSpread = 1.6
    /// Bounds of each cell's relative noise, trend per month, and seasonal amplitude.
    public var noise = 0.02...0.06
    public var monthlyTrend = -0.02...0.03
    public var seasonality = 0.0...0.25

    public init(seed: UInt64) { self.seed = seed }

    /// One cell's character.
    public struct Cell: Sendable {
        public var id: UInt64
        public var level: Double
        public var noise: Double
        public var monthlyTrend: Double
        public var amplitude: Double
        /// Month of the seasonal peak, 0..<12.
        public var phase: Double
    }

    public func cell(_ id: UInt64) -> Cell {
        var draw = Draw(seed, id, 0xCE11)
        let level = exp(log(levelMedian) + levelSpread * draw.normal())
        return Cell(id: id, level: level, noise: draw.uniform(noise), monthlyTrend: draw.uniform(monthlyTrend),
                    amplitude: draw.uniform(seasonality), phase: draw.uniform(0...12))
    }

    /// The cell's count in period `t` (0 is the first), with `monthsPerPeriod` 1 (monthly), 3 (quarterly) or 12.
    public func value(_ c: Cell, period t: Int, monthsPerPeriod: Int = 1) -> Int {
        var draw = Draw(seed, c.id, UInt64(t) &+ 1)
        let months = Double(t * monthsPerPeriod)
        let season = monthsPerPeriod >= 12 ? 1 : 1 + c.amplitude * sin(2 * .pi * (months - c.phase) / 12)
        let mean = c.level * exp(c.monthlyTrend * months) * season * (1 + c.noise * draw.normal())
        return draw.poisson(max(0, mean))
    }

    /// A digit added (typed twice) or lost, at a random place: the typing error the outlier rule is for.
    /// A lost digit is never the first one (that is a different number, not a slip). Values below 10 only gain one.
    public func typingError(_ value: Int, cell: UInt64, period t: Int) -> Int {
        var draw = Draw(seed, cell, 0x7E57 &+ UInt64(t))
        let digits = Array(String(value))
        if digits.count < 2 || draw.uniform(0...1) < 0.5 {
            let i = Int(draw.uniform(0...Double(digits.count) - 1e-9))
            return Int(String(digits[...i] + digits[i...]))!
        }
        let i = 1 + Int(draw.uniform(0...Double(digits.count - 1) - 1e-9))
        return Int(String(digits[..<i] + digits[(i + 1)...]))!
    }

    /// A stream of pseudo-random numbers from a hash of its inputs (SplitMix64).
    struct Draw {
        var state: UInt64

        init(_ a: UInt64, _ b: UInt64, _ c: UInt64) {
            state = Self.mix(Self.mix(Self.mix(a) ^ b) ^ c)
        }

        static func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func next() -> UInt64 {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            return Self.mix(state)
        }

        /// Uniform in (0, 1).
        mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

        mutating func uniform(_ r: ClosedRange<Double>) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * unit() }

        /// Standard normal (Box–Muller).
        mutating func normal() -> Double { (-2 * log(unit())).squareRoot() * cos(2 * .pi * unit()) }

        /// Poisson: by multiplication of uniforms for small means, else the normal approximation.
        mutating func poisson(_ mean: Double) -> Int {
            if mean < 30 {
                let limit = exp(-mean)
                var k = 0, p = unit()
                while p > limit { k += 1; p *= unit() }
                return k
            }
            return max(0, Int((mean + mean.squareRoot() * normal()).rounded()))
        }
    }
}
