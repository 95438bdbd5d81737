/// RFC 4180 CSV, read from bytes and written canonically. Hand-written because the rows must keep the
/// physical line they started on (diagnostics name it) and malformed input must give problems, not throws;
/// the CSV packages available (SwiftCSV, CSV.swift) offer neither.
import Foundation

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
    /// of the file is a problem, as is a quote in the middle of an unquoted field. `separator` is `,` but for
    /// the import of a spreadsheet's `;` file.
    public static func parse(_ bytes: [UInt8], separator: UInt8 = UInt8(ascii: ",")) -> Table {
        let cells = Cells(bytes, separator: separator)
        guard cells.rowCount > 0 else { return Table(header: [], rows: [], problems: cells.problems) }
        return cells.storage.withUnsafeBufferPointer { buffer in
            func fields(_ r: Int) -> [String] { cells.cellRange(r).map { cells.string($0, in: buffer) } }
            let rows = (1..<cells.rowCount).map { Row(line: Int(cells.lines[$0]), fields: fields($0)) }
            return Table(header: fields(0), rows: rows, problems: cells.problems)
        }
    }

    /// A parsed file as ranges of one byte buffer: no string per cell, for the validator's hot path.
    /// Row 0 is the header. A cell is a slice of the file, except a quoted cell with doubled quotes or text
    /// after its closing quote, whose unescaped bytes are appended after the file's bytes in `storage`.
    public struct Cells: Sendable {
        public private(set) var storage: [UInt8]
        /// Per cell: start and end offsets in `storage`.
        public private(set) var starts: [Int32] = []
        public private(set) var ends: [Int32] = []
        /// Per row: one past its last cell's index.
        public private(set) var rowEnds: [Int32] = []
        /// Per row: the 1-based line it starts on.
        public private(set) var lines: [Int32] = []
        /// Per row: where its bytes start in the file, so a check can look at a whole row at once.
        public private(set) var rowOffsets: [Int32] = []
        /// How many of `storage`'s bytes are the file's (the rest are unescaped cells).
        public private(set) var fileCount = 0
        public private(set) var problems: [Problem] = []

        public var rowCount: Int { lines.count }

        /// The file bytes of row `r`, separators and quotes included.
        public func rowBytes(_ r: Int) -> Range<Int> {
            Int(rowOffsets[r])..<(r + 1 < rowCount ? Int(rowOffsets[r + 1]) : fileCount)
        }

        /// Cell indexes of row `r`.
        public func cellRange(_ r: Int) -> Range<Int> { (r == 0 ? 0 : Int(rowEnds[r - 1]))..<Int(rowEnds[r]) }

        public func string(_ cell: Int, in buffer: UnsafeBufferPointer<UInt8>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(starts[cell])..<Int(ends[cell])]), as: UTF8.self)
        }

        public init(_ bytes: [UInt8], separator: UInt8 = UInt8(ascii: ",")) {
            self.init(bytes, separator: separator, general: false)
        }

        /// `general`: read every file as one that has quotes (what a test compares the quick reading with).
        init(_ bytes: [UInt8], separator: UInt8 = UInt8(ascii: ","), general: Bool) {
            storage = bytes
            let n = bytes.count
            // Offsets are 32-bit: files are checked against the 10 MiB limit before they are parsed, and a
            // longer input is cut rather than misread.
            let limit = min(n, Int(Int32.max) / 2)
            var extra: [UInt8] = []
            bytes.withUnsafeBufferPointer { b in
                // Most files have no quote at all: their cells are exactly the stretches between separators.
                let quoted = general || limit > 0 && memchr(b.baseAddress!, Int32(UInt8(ascii: "\"")), limit) != nil
                if quoted { parse(b, count: limit, separator: separator, extra: &extra) }
                else { parseUnquoted(b, count: limit, separator: separator) }
            }
            if !extra.isEmpty { storage = Array(bytes[..<limit]) + extra }
        }

        /// `parse` for a file without a quote, with the same cells, rows, lines and offsets: one pass that
        /// stops only at separators and line ends, writing into buffers sized by counting those first (this
        /// runs on every file of every validation).
        private mutating func parseUnquoted(_ b: UnsafeBufferPointer<UInt8>, count n: Int, separator comma: UInt8) {
            let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
            // Eight bytes at a time: per byte, the high bit of `breaks(w)` is set where the byte is a separator
            // or a line end (an exact per-byte zero test of `w ^ c`, no carry between bytes).
            let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080, low = ones &* 0x7F
            let commas = ones &* UInt64(comma), lfs = ones &* UInt64(lf), crs = ones &* UInt64(cr)
            func zeros(_ x: UInt64) -> UInt64 { ~(((x & low) &+ low) | x) & high }
            func breakBits(_ w: UInt64) -> UInt64 { zeros(w ^ commas) | zeros(w ^ lfs) | zeros(w ^ crs) }
            let raw = UnsafeRawPointer(b.baseAddress!)
            func word(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            func isBreak(_ c: UInt8) -> Bool { c == comma || c == lf || c == cr }
            var breaks = 0, k = 0
            while k &+ 8 <= n { breaks &+= Int(truncatingIfNeeded: ((breakBits(word(k)) >> 7) &* ones) >> 56); k &+= 8 }
            while k < n { breaks &+= isBreak(b[k]) ? 1 : 0; k &+= 1 }
            let cellCapacity = breaks + 1
            let starts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: cellCapacity)
            let ends = UnsafeMutableBufferPointer<Int32>.allocate(capacity: cellCapacity)
            let rowEnds = UnsafeMutableBufferPointer<Int32>.allocate(capacity: cellCapacity)
            let lines = UnsafeMutableBufferPointer<Int32>.allocate(capacity: cellCapacity)
            let rowOffsets = UnsafeMutableBufferPointer<Int32>.allocate(capacity: cellCapacity)
            defer { starts.deallocate(); ends.deallocate(); rowEnds.deallocate(); lines.deallocate(); rowOffsets.deallocate() }
            var cells = 0, rows = 0
            var start = 0
            if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
            fileCount = n
            // `fieldStart` is one past the last break handled: the current cell, and row, start there.
            var rowStart = start, fieldStart = start
            var line: Int32 = 1
            var cellsInRow = 0
            func endRow(at end: Int) {
                starts[cells] = Int32(truncatingIfNeeded: fieldStart); ends[cells] = Int32(truncatingIfNeeded: end); cells &+= 1
                rowEnds[rows] = Int32(truncatingIfNeeded: cells); lines[rows] = line
                rowOffsets[rows] = Int32(truncatingIfNeeded: rowStart); rows &+= 1
            }
            var j = start
            while j < n {
                // The breaks of the next eight bytes (fewer at the end), handled lowest first.
                let wordStart = j
                var m: UInt64 = 0
                if j &+ 8 <= n {
                    m = breakBits(word(j))
                    j &+= 8
                } else {
                    for k in 0..<(n &- j) where isBreak(b[j &+ k]) { m |= 0x80 << (8 &* UInt64(k)) }
                    j = n
                }
                while m != 0 {
                    let position = wordStart &+ m.trailingZeroBitCount >> 3
                    m &= m &- 1
                    if position < fieldStart { continue }   // the LF of a CRLF already handled
                    if b[position] == comma {
                        starts[cells] = Int32(truncatingIfNeeded: fieldStart); ends[cells] = Int32(truncatingIfNeeded: position)
                        cells &+= 1
                        cellsInRow &+= 1
                        fieldStart = position &+ 1
                    } else {
                        var next = position &+ 1
                        if b[position] == cr, next < n, b[next] == lf { next &+= 1 }
                        endRow(at: position)
                        cellsInRow = 0
                        fieldStart = next; rowStart = next
                        line &+= 1
                    }
                }
            }
            // A last row without a line end: a separator in it, or bytes after the last break.
            if cellsInRow > 0 || fieldStart < n { endRow(at: n) }
            self.starts = Array(UnsafeBufferPointer(rebasing: starts[..<cells]))
            self.ends = Array(UnsafeBufferPointer(rebasing: ends[..<cells]))
            self.rowEnds = Array(UnsafeBufferPointer(rebasing: rowEnds[..<rows]))
            self.lines = Array(UnsafeBufferPointer(rebasing: lines[..<rows]))
            self.rowOffsets = Array(UnsafeBufferPointer(rebasing: rowOffsets[..<rows]))
        }

        private mutating func parse(_ b: UnsafeBufferPointer<UInt8>, count n: Int, separator comma: UInt8, extra: inout [UInt8]) {
            let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
            // Locals, assigned to the stored properties at the end: appending to `self`'s arrays from the
            // nested functions below costs an exclusivity and uniqueness check per cell.
            var starts: [Int32] = [], ends: [Int32] = [], rowEnds: [Int32] = [], lines: [Int32] = [], rowOffsets: [Int32] = []
            var problems: [Problem] = []
            starts.reserveCapacity(n / 4)
            ends.reserveCapacity(n / 4)
            rowEnds.reserveCapacity(n / 32); lines.reserveCapacity(n / 32); rowOffsets.reserveCapacity(n / 32)
            var i = 0
            if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
            fileCount = n
            var rowStart = i
            var line: Int32 = 1
            var rowLine: Int32 = 1
            var atFieldStart = true
            var rowHasContent = false
            var cellsInRow = 0
            // The current cell: a contiguous slice, or (`unescaping`) bytes gathered in `scratch`.
            var fieldStart = 0, fieldEnd = 0
            var unescaping = false
            var scratch: [UInt8] = []

            func endField(at position: Int) {
                if unescaping {
                    let s = Int32(clamping: n + extra.count)
                    extra.append(contentsOf: scratch)
                    starts.append(s); ends.append(s + Int32(scratch.count))
                    scratch.removeAll(keepingCapacity: true)
                    unescaping = false
                } else if atFieldStart {
                    starts.append(Int32(position)); ends.append(Int32(position))
                } else {
                    starts.append(Int32(fieldStart)); ends.append(Int32(fieldEnd))
                }
                atFieldStart = true
                cellsInRow += 1
            }
            func endRow(at position: Int) {
                endField(at: position)
                rowEnds.append(Int32(starts.count))
                lines.append(rowLine)
                rowOffsets.append(Int32(rowStart))
                rowHasContent = false
                cellsInRow = 0
            }
            func startUnescaping() {
                guard !unescaping else { return }
                unescaping = true
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[fieldStart..<fieldEnd]))
            }

            while i < n {
                let c = b[i]
                if atFieldStart && c == quote {
                    // Quoted field: runs to the closing quote, doubled quotes are literal.
                    let openLine = line
                    atFieldStart = false
                    rowHasContent = true
                    i += 1
                    var segment = i
                    var closed = false
                    while i < n {
                        let q = b[i]
                        if q == quote {
                            if i + 1 < n, b[i + 1] == quote {
                                unescaping = true
                                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment..<i]))
                                scratch.append(quote)
                                i += 2
                                segment = i
                                continue
                            }
                            closed = true
                            break
                        }
                        if q == lf { line += 1 } else if q == cr, !(i + 1 < n && b[i + 1] == lf) { line += 1 }
                        i += 1
                    }
                    if unescaping { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment..<i])) }
                    else { fieldStart = segment; fieldEnd = i }
                    if closed { i += 1 } else { problems.append(Problem(line: Int(openLine), message: "a quoted field is never closed")) }
                    // Anything between the closing quote and the next separator is kept, but reported.
                    if closed, i < n, b[i] != comma, b[i] != lf, b[i] != cr {
                        problems.append(Problem(line: Int(line), message: "text after a closing quote"))
                        startUnescaping()
                    }
                    continue
                }
                switch c {
                case comma:
                    rowHasContent = true
                    endField(at: i)
                    i += 1
                case lf, cr:
                    let end = i
                    if c == cr, i + 1 < n, b[i + 1] == lf { i += 1 }
                    i += 1
                    endRow(at: end)
                    rowStart = i
                    line += 1
                    rowLine = line
                default:
                    if c == quote { problems.append(Problem(line: Int(line), message: "a quote inside an unquoted field")) }
                    if atFieldStart { fieldStart = i; atFieldStart = false }
                    rowHasContent = true
                    if unescaping {
                        scratch.append(c)
                        i += 1
                    } else {
                        i += 1
                        while i < n {
                            let d = b[i]
                            if d == comma || d == lf || d == cr || d == quote { break }
                            i += 1
                        }
                        fieldEnd = i
                    }
                }
            }
            if rowHasContent || cellsInRow > 0 { endRow(at: n) }
            self.starts = starts; self.ends = ends; self.rowEnds = rowEnds
            self.lines = lines; self.rowOffsets = rowOffsets; self.problems = problems
        }
    }

    /// Canonical form: UTF-8, no BOM, LF endings, a final newline, quotes only where a field needs them.
    /// One field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, a quote or a line end.
    public static func appendField(_ f: String, to out: inout [UInt8]) { appendField(bytes: f.utf8, to: &out) }

    /// The same, for a field given as its UTF-8 bytes.
    public static func appendField(bytes f: some Collection<UInt8>, to out: inout [UInt8]) {
        if f.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            out.append(0x22)
            for b in f { if b == 0x22 { out.append(0x22) }; out.append(b) }
            out.append(0x22)
        } else {
            out.append(contentsOf: f)
        }
    }

    /// A whole number in decimal, as a field (no quoting needed), without a `String` in between.
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits = (UInt64(0), UInt64(0), UInt64(0))   // 24 bytes: room for the 20 digits of any UInt64
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
            } while v > 0
            out.append(contentsOf: buffer[start...])
        }
    }

    public static func write(header: [String], rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (rows.count + 1))
        func put(_ fields: [String]) {
            for (k, f) in fields.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendField(f, to: &out)
            }
            out.append(0x0A)
        }
        put(header)
        rows.forEach(put)
        return out
    }
}
