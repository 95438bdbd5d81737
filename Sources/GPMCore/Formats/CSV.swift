/// RFC 4180 CSV, read from bytes and written canonically. Hand-written because the rows must keep the
/// physical line they started on (diagnostics name it) and malformed input must give problems, not throws;
/// the CSV packages available (SwiftCSV, CSV.swift) offer neither.
public enum CSV {
    /// One parsed row and the 1-based line it starts on.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
        public init(line: Int, fields: [String]) { self.line = line; self.fields = fields }
        /// A row whose every cell is empty (a blank line gives one empty cell).
        public var isBlank: Bool { fields.allSatisfy(\.isEmpty) }
    }

    /// A malformed spot the reader stepped over.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    public struct Table: Sendable {
        /// The header row (the first row), empty for an empty file.
        public var header: [String]
        public var rows: [Row]
        public var problems: [Problem]
    }

    /// Parses UTF-8 bytes; a BOM is skipped and CRLF, CR and LF all end a row. A quote left open at the end
    /// of the file is a problem, as is a quote in the middle of an unquoted field.
    public static func parse(_ bytes: [UInt8]) -> Table {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Table {
        var rows: [Row] = []
        var problems: [Problem] = []
        var fields: [String] = []
        var i = 0
        let n = buffer.count
        if n >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { i = 3 }
        var line = 1
        var rowLine = 1
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var atFieldStart = true
        var rowHasContent = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
        }
        func endRow() {
            endField()
            rows.append(Row(line: rowLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
            rowHasContent = false
        }

        while i < n {
            let c = buffer[i]
            if atFieldStart && c == UInt8(ascii: "\"") {
                // Quoted field: runs to the closing quote, doubled quotes are literal.
                let openLine = line
                atFieldStart = false
                rowHasContent = true
                i += 1
                var closed = false
                while i < n {
                    let q = buffer[i]
                    if q == UInt8(ascii: "\"") {
                        if i + 1 < n, buffer[i + 1] == UInt8(ascii: "\"") { field.append(q); i += 2; continue }
                        closed = true; i += 1; break
                    }
                    if q == UInt8(ascii: "\n") { line += 1 }
                    else if q == UInt8(ascii: "\r") {
                        if !(i + 1 < n && buffer[i + 1] == UInt8(ascii: "\n")) { line += 1 }
                    }
                    field.append(q)
                    i += 1
                }
                if !closed {
                    problems.append(Problem(line: openLine, message: "a quoted field is never closed"))
                }
                // Anything between the closing quote and the next separator is kept, but reported.
                if closed, i < n, buffer[i] != UInt8(ascii: ","), buffer[i] != UInt8(ascii: "\n"), buffer[i] != UInt8(ascii: "\r") {
                    problems.append(Problem(line: line, message: "text after a closing quote"))
                }
                continue
            }
            switch c {
            case UInt8(ascii: ","):
                rowHasContent = true
                endField()
                i += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if c == UInt8(ascii: "\r"), i + 1 < n, buffer[i + 1] == UInt8(ascii: "\n") { i += 1 }
                i += 1
                endRow()
                line += 1
                rowLine = line
            default:
                if c == UInt8(ascii: "\"") {
                    problems.append(Problem(line: line, message: "a quote inside an unquoted field"))
                }
                atFieldStart = false
                rowHasContent = true
                field.append(c)
                i += 1
            }
        }
        if rowHasContent || !field.isEmpty || !fields.isEmpty { endRow() }
        guard !rows.isEmpty else { return Table(header: [], rows: [], problems: problems) }
        let header = rows.removeFirst().fields
        return Table(header: header, rows: rows, problems: problems)
    }

    /// Canonical form: UTF-8, no BOM, LF endings, a final newline, quotes only where a field needs them.
    public static func write(header: [String], rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (rows.count + 1))
        func put(_ fields: [String]) {
            for (k, f) in fields.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                if f.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                    out.append(0x22)
                    for b in f.utf8 { if b == 0x22 { out.append(0x22) }; out.append(b) }
                    out.append(0x22)
                } else {
                    out.append(contentsOf: f.utf8)
                }
            }
            out.append(0x0A)
        }
        put(header)
        rows.forEach(put)
        return out
    }
}
