import Foundation
import GPMCharts
import XCTest

/// The charts are compared byte for byte with files under Golden/ (GPMSYNC_UPDATE_GOLDEN=1 rewrites them;
/// read the diff before committing).
final class SeriesChartTests: XCTestCase {
    func golden(_ name: String, _ svg: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name).svg").path
        if ProcessInfo.processInfo.environment["GPMSYNC_UPDATE_GOLDEN"] == "1" {
            try svg.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(svg, expected, "\(name).svg differs from the golden file", file: file, line: line)
    }

    func testASeriesWithTheNewValueMarked() throws {
        let chart = SeriesChart(points: [.init(label: "2024Q2", value: 120), .init(label: "2024Q3", value: 131), .init(label: "2024Q4", value: 125),
                                         .init(label: "2025Q1", value: 140)], marked: 3, title: "count TP SYR F ALL")
        try golden("series-marked", chart.svg())
        XCTAssertEqual(chart.svg().components(separatedBy: "<circle class=\"point").count - 1, 4)
    }

    func testAGapAndAnOutlierFinding() throws {
        let chart = SeriesChart(points: [.init(label: "2025-01", value: 40), .init(label: "2025-02", value: 41), .init(label: "2025-03", value: nil),
                                         .init(label: "2025-04", value: 42), .init(label: "2025-05", value: 420)], marked: 4,
                                finding: "outlier: 420 against 40–42 <earlier>", title: "unique_beneficiaries & <script>")
        let svg = chart.svg()
        try golden("series-outlier", svg)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2, "the gap breaks the line in two")
        XCTAssertTrue(svg.contains("point new outlier"))
        XCTAssertFalse(svg.contains("<script>"), "text is escaped")
        XCTAssertFalse(svg.contains("<earlier>"))
    }

    func testOnePointAndNoValues() throws {
        let one = SeriesChart(points: [.init(label: "2025", value: 7)], marked: 0, title: "one").svg()
        XCTAssertEqual(one.components(separatedBy: "<circle class=\"point").count - 1, 1)
        let none = SeriesChart(points: [.init(label: "2025", value: nil), .init(label: "2026", value: nil)], title: "none").svg()
        XCTAssertFalse(none.contains("<circle"))
        let huge = SeriesChart(points: [.init(label: "a", value: Double(Int.max)), .init(label: "b", value: 0)], marked: 1, title: "huge").svg()
        XCTAssertTrue(huge.hasPrefix("<svg"))
    }

    func testTheHeatMap() throws {
        let map = HeatMap(rows: ["Kadıköy <Belediyesi>", "Nilüfer"], columns: ["2025Q1", "2025Q2", "2025Q3"],
                          cells: [[.approved, .late, .missing], [.submitted]], title: "residents")
        let svg = map.svg()
        try golden("heatmap", svg)
        XCTAssertEqual(svg.components(separatedBy: "<rect class=\"cell").count - 1, 6, "a short row is filled with missing cells")
        XCTAssertEqual(svg.components(separatedBy: "<rect class=\"cell missing").count - 1, 3)
        XCTAssertFalse(svg.contains("<Belediyesi>"))
    }
}
