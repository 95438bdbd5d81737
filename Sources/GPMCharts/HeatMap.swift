import GPMCore

/// A municipality × period matrix as an SVG heat map: one square per cell, coloured by its state.
public struct HeatMap: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable { case approved, submitted, late, missing }

    public var rows: [String]
    public var columns: [String]
    /// `cells[row][column]`.
    public var cells: [[State]]
    public var title: String
    public var cell = 16
    public var labelWidth = 150

    public init(rows: [String], columns: [String], cells: [[State]], title: String) {
        self.rows = rows; self.columns = columns; self.cells = cells; self.title = title
    }

    public static func colour(_ s: State) -> String {
        switch s {
        case .approved: return "#2e8b3e"
        case .submitted: return "#5b8fd6"
        case .late: return "#e0a100"
        case .missing: return "#e4e6ea"
        }
    }

    public func svg() -> String {
        let top = 50
        let width = labelWidth + columns.count * (cell + 2) + 4
        let height = top + rows.count * (cell + 2) + 4
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\"><title>\(htmlEscaped(title))</title>"
        for (j, c) in columns.enumerated() {
            let x = labelWidth + j * (cell + 2) + cell / 2
            out += "<text x=\"\(x)\" y=\"\(top - 4)\" font-size=\"9\" fill=\"#555\" transform=\"rotate(-60 \(x) \(top - 4))\">\(htmlEscaped(c))</text>"
        }
        for (i, r) in rows.enumerated() {
            let y = top + i * (cell + 2)
            out += "<text x=\"\(labelWidth - 6)\" y=\"\(y + cell - 4)\" font-size=\"11\" fill=\"#333\" text-anchor=\"end\">\(htmlEscaped(r))</text>"
            for (j, c) in columns.enumerated() {
                let s = i < cells.count && j < cells[i].count ? cells[i][j] : .missing
                out += "<rect class=\"cell \(s.rawValue)\" x=\"\(labelWidth + j * (cell + 2))\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(Self.colour(s))\"><title>\(htmlEscaped(r)) \(htmlEscaped(c)): \(s.rawValue)</title></rect>"
            }
        }
        return out + "</svg>"
    }
}
