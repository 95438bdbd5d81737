import Foundation
import GPMCore

/// `gpmsync-bench outliers`: the outlier rule on generated ordinary series (`SeriesModel`), with typing
/// errors planted. The false-alarm rate is the share of ordinary values flagged, the recall the share of
/// typing errors flagged; the rule (`OutlierRule.judge`) is the one validation runs.
public struct OutlierCalibration: Sendable {
    public var model: SeriesModel
    public var cells = 20_000
    /// Periods per cell: half the cells monthly, half quarterly.
    public var periods = 36
    /// Share of values of 60 or more that also get a typing error judged in their place.
    public var plantRate = 0.1

    public init(seed: UInt64) { model = SeriesModel(seed: seed) }

    public struct Result: Sendable {
        /// Ordinary values judged (those with at least one earlier period), and how many were flagged.
        public var judged = 0
        public var falseAlarms = 0
        /// Typing errors planted, and how many were flagged.
        public var planted = 0
        public var found = 0
        public var falseAlarmRate: Double { judged == 0 ? 0 : Double(falseAlarms) / Double(judged) }
        public var recall: Double { planted == 0 ? 0 : Double(found) / Double(planted) }
    }

    public func run() -> Result {
        var result = Result()
        var values = [Int](repeating: 0, count: periods)
        var history = [Double](repeating: 0, count: 12)
        for id in 0..<UInt64(cells) {
            let cell = model.cell(id)
            let monthsPerPeriod = id % 2 == 0 ? 1 : 3
            for t in 0..<periods { values[t] = model.value(cell, period: t, monthsPerPeriod: monthsPerPeriod) }
            var plant = SeriesModel.Draw(model.seed, id, 0x91A7)
            for t in 1..<periods {
                let earlier = values[max(0, t - 12)..<t]
                func flagged(_ v: Int) -> Bool {
                    for (i, x) in earlier.enumerated() { history[i] = Double(x) }
                    return history.withUnsafeMutableBufferPointer {
                        OutlierRule.judge(v, history: UnsafeMutableBufferPointer(rebasing: $0[0..<earlier.count])) != nil
                    }
                }
                result.judged += 1
                if flagged(values[t]) { result.falseAlarms += 1 }
                if values[t] >= 60 && plant.unit() < plantRate {
                    result.planted += 1
                    if flagged(model.typingError(values[t], cell: id, period: t)) { result.found += 1 }
                }
            }
        }
        return result
    }
}
