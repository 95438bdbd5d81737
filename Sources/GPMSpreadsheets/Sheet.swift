import GPMCore

/// One sheet of a spreadsheet as it was read: rows of cells with what the file said each cell is. A CSV
/// gives only text; a workbook also numbers, dates, booleans and errors, and its merged ranges.
public struct Sheet: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        case empty
        case text(String)
        /// A number as the file wrote it (`12`, `1.5E3`) and its value.
        case number(String, Double)
        /// A date or time (a number with a date format in a workbook): days since 1899-12-30.
        case date(Double)
        case bool(Bool)
        /// An error value (`#DIV/0!`) or a formula with no stored result.
        case error(String)

        public var isEmpty: Bool {
            if case .empty = self { return true }
            if case .text(let s) = self { return s.isEmpty }
            return false
        }
    }

    /// Where numbers written as text follow the Turkish convention (`1.234,5`): a `;` CSV from Excel.
    public enum NumberStyle: Sendable { case plain, turkish }

    public var name: String
    /// Rows from the top; row `r` is line or row number `r + 1`.
    public var rows: [[Cell]]
    /// Merged ranges, 0-based and inclusive: the value of the top-left cell is the value of every cell.
    public var merged: [(top: Int, left: Int, bottom: Int, right: Int)] = []
    public var numberStyle: NumberStyle
    /// What a cell is called in messages: a line and column for a CSV, `B7` for a workbook.
    public var isWorkbook: Bool

    public init(name: String, rows: [[Cell]], numberStyle: NumberStyle, isWorkbook: Bool) {
        self.name = name; self.rows = rows; self.numberStyle = numberStyle; self.isWorkbook = isWorkbook
    }

    public static func == (a: Sheet, b: Sheet) -> Bool {
        a.name == b.name && a.rows == b.rows && a.merged.map { [$0.top, $0.left, $0.bottom, $0.right] } == b.merged.map { [$0.top, $0.left, $0.bottom, $0.right] }
    }

    /// A cell's name in a message: `C7` in a workbook, `line 7, column 3` in a CSV.
    public func place(row: Int, column: Int) -> Message {
        if isWorkbook { return Message(en: Self.columnName(column) + String(row + 1), tr: Self.columnName(column) + String(row + 1)) }
        return Message(en: "line \(row + 1), column \(column + 1)", tr: "\(row + 1). satır, \(column + 1). sütun")
    }

    /// `A`, `Z`, `AA`… for a 0-based column.
    public static func columnName(_ column: Int) -> String {
        var n = column + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// A sheet from a delimited text file read by its dialect: every cell is text.
    public static func delimited(_ bytes: [UInt8], name: String) -> Result<Sheet, ImportProblem> {
        let dialect = SpreadsheetDialect.sniff(bytes)
        let text: String
        switch dialect.text(bytes) {
        case .success(let t): text = t
        case .failure(let bad):
            return .failure(ImportProblem(Message(
                en: "line \(bad.line) holds the byte 0x\(String(bad.byte, radix: 16, uppercase: true)), which is no character in Windows-1254: the file is in another encoding; save it from the spreadsheet as 'CSV UTF-8'",
                tr: "\(bad.line). satır Windows-1254 içinde karakter olmayan 0x\(String(bad.byte, radix: 16, uppercase: true)) baytını içeriyor: dosya başka bir kodlamada; hesap tablosundan 'CSV UTF-8' olarak kaydedin")))
        }
        let table = CSV.parse(Array(text.utf8), separator: dialect.separator)
        if let p = table.problems.first {
            return .failure(ImportProblem(Message(en: "line \(p.line): malformed CSV (\(p.message))", tr: "\(p.line). satır: bozuk CSV (\(p.message == "a quoted field is never closed" ? "tırnaklı alan kapanmıyor" : "tırnak işareti hatalı"))")))
        }
        // Rows keep their physical lines (a quoted cell may span several): blank lines become empty rows.
        var rows: [[Cell]] = []
        if !table.header.isEmpty { rows.append(table.header.map { .text($0) }) }
        for row in table.rows {
            while rows.count < row.line - 1 { rows.append([]) }
            rows.append(row.fields.map { .text($0) })
        }
        return .success(Sheet(name: name, rows: rows, numberStyle: dialect.separator == UInt8(ascii: ";") ? .turkish : .plain, isWorkbook: false))
    }
}

/// Why an import wrote nothing, or one value it could not convert.
public struct ImportProblem: Error, Sendable, Equatable {
    public var message: Message
    public init(_ message: Message) { self.message = message }
}
