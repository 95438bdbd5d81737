import GPMCore

/// A small line chart of one cell's series over its periods, with the value under review marked: drawn as
/// an inline SVG string on the server (no script, no asset from outside the page). Pure and deterministic,
/// so the same series always gives the same bytes (golden-file tested).
public struct SeriesChart: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        /// The period, as the repository writes it (`2025Q1`).
        public var label: String
        /// Nil where the period has no value (missing file, empty cell): a gap in the line.
        public var value: Double?
        public init(label: String, value: Double?) { self.label = label; self.value = value }
    }

    public var points: [Point]
    /// The index of the value under review (the new value), marked on the chart.
    public var marked: Int?
    /// A finding about the marked value (an outlier warning), drawn on it and given as its tooltip.
    public var finding: String?
    public var width = 240
    public var height = 72
    /// What the chart shows, for screen readers.
    public var title: String

    public init(points: [Point], marked: Int? = nil, finding: String? = nil, title: String) {
        self.points = points
        self.marked = marked
        self.finding = finding
        self.title = title
    }

    /// The SVG element. Every text in it is escaped; values are drawn on a scale from 0 to the largest value.
    public func svg() -> String {
        let left = 4.0, right = 4.0, top = 6.0, bottom = 14.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let values = points.compactMap(\.value)
        let high = max(values.max() ?? 1, 1)
        func x(_ i: Int) -> Double { points.count < 2 ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(points.count - 1) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - max(0, v) / high) }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"series\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\">"
        out += "<title>\(htmlEscaped(title))</title>"
        out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(top + plotHeight))\" stroke=\"#999\" stroke-width=\"1\"/>"
        // The line, broken where a period has no value.
        var segment: [String] = []
        func flush() {
            if segment.count > 1 { out += "<polyline class=\"line\" fill=\"none\" stroke=\"#3465a4\" stroke-width=\"1.5\" points=\"\(segment.joined(separator: " "))\"/>" }
            segment = []
        }
        for (i, p) in points.enumerated() {
            guard let v = p.value else { flush(); continue }
            segment.append("\(n(x(i))),\(n(y(v)))")
        }
        flush()
        for (i, p) in points.enumerated() {
            guard let v = p.value else { continue }
            let isMarked = i == marked
            let cls = isMarked ? (finding == nil ? "point new" : "point new outlier") : "point"
            let fill = isMarked ? (finding == nil ? "#f57900" : "#cc0000") : "#3465a4"
            let tip = "\(p.label): \(number(v))" + (isMarked ? (finding.map { " — \($0)" } ?? "") : "")
            out += "<circle class=\"\(cls)\" cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"\(n(isMarked ? 4 : 2.5))\" fill=\"\(fill)\"><title>\(htmlEscaped(tip))</title></circle>"
            if isMarked, finding != nil {
                out += "<circle class=\"ring\" cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"7\" fill=\"none\" stroke=\"#cc0000\" stroke-width=\"1.5\"/>"
            }
        }
        if let first = points.first {
            out += "<text x=\"\(n(left))\" y=\"\(height - 2)\" font-size=\"9\" fill=\"#555\">\(htmlEscaped(first.label))</text>"
        }
        if points.count > 1, let last = points.last {
            out += "<text x=\"\(n(left + plotWidth))\" y=\"\(height - 2)\" font-size=\"9\" fill=\"#555\" text-anchor=\"end\">\(htmlEscaped(last.label))</text>"
        }
        return out + "</svg>"
    }

    /// A coordinate with at most one decimal, written the same on every machine.
    func n(_ v: Double) -> String {
        let tenths = (v * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(Int(tenths) / 10) + "." + String(abs(Int(tenths)) % 10)
    }

    func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
}

