import GPMSampleData
import GPMCore
import XCTest

/// The outlier rule's two promises (SPEC, `outlier`) on generated ordinary series at a fixed seed: at most
/// 0.5 % of ordinary values flagged, at least 95 % of typing errors flagged.
final class OutlierCalibrationTests: XCTestCase {
    func testRatesAtAFixedSeed() {
        var calibration = OutlierCalibration(seed: 20_251_126)
        calibration.cells = 3_000
        let r = calibration.run()
        XCTAssertGreaterThan(r.judged, 50_000)
        XCTAssertGreaterThan(r.planted, 2_000)
        XCTAssertLessThanOrEqual(r.falseAlarmRate, 0.005, "\(r.falseAlarms) of \(r.judged) ordinary values flagged")
        XCTAssertGreaterThanOrEqual(r.recall, 0.95, "\(r.found) of \(r.planted) typing errors flagged")
    }

    /// The generated series are what the promises are about: counts near their level, moving slowly.
    func testTheSeriesAreOrdinary() {
        let model = SeriesModel(seed: 5)
        var steps: [Double] = []
        for id in 0..<UInt64(500) {
            let cell = model.cell(id)
            guard cell.level > 200 else { continue }
            let values = (0..<24).map { model.value(cell, period: $0) }
            XCTAssertEqual(values, (0..<24).map { model.value(cell, period: $0) }, "the same seed gives the same series")
            for t in 1..<24 { steps.append(abs(log(Double(values[t] + 1) / Double(values[t - 1] + 1)))) }
        }
        steps.sort()
        XCTAssertLessThan(steps[steps.count / 2], 0.1, "the median month-to-month change of a large cell is a few percent")
        for t in 0..<20 {
            let typed = String(model.typingError(1234, cell: 1, period: t))
            XCTAssertTrue(typed.count == 5 || typed.count == 3, "a digit added or lost: \(typed)")
        }
    }
}
