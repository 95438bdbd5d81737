/// How a spreadsheet program wrote a "CSV": Excel on Turkish Windows saves with `;` between cells (its
/// decimal separator is `,`), in Windows-1254 unless the user picks "CSV UTF-8" (then with a BOM), with CRLF
/// line ends. gpmsync reads UTF-8 with `,` and `.`; the validator names such a file once, with the way out
/// (`gpmsync import`), instead of failing on every row, and the import reads it by this description.
public struct SpreadsheetDialect: Sendable, Equatable {
    public enum Encoding: String, Sendable { case utf8, utf8BOM, windows1254 }

    public var encoding: Encoding
    /// `,` or `;`.
    public var separator: UInt8
    public var crlf: Bool
    /// A cell like `12,5` was seen (only looked for when the separator is `;`).
    public var decimalComma: Bool

    public init(encoding: Encoding, separator: UInt8, crlf: Bool, decimalComma: Bool) {
        self.encoding = encoding; self.separator = separator; self.crlf = crlf; self.decimalComma = decimalComma
    }

    /// Whether gpmsync's own reader takes the file as it is (UTF-8, a BOM and CRLF are fine, `,` between cells).
    public var isReadable: Bool { encoding != .windows1254 && separator == UInt8(ascii: ",") }

    /// Describes the bytes of a CSV file: the encoding (UTF-8 when the bytes are valid UTF-8, else Windows-1254,
    /// the only other one Excel writes here), the separator (whichever of `;` and `,` the header row holds more
    /// of, outside quotes), the line ends, and whether a `;` file writes numbers with a decimal comma.
    public static func sniff(_ bytes: [UInt8]) -> SpreadsheetDialect {
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let encoding: Encoding = String(validating: bytes, as: UTF8.self) == nil ? .windows1254 : (bom ? .utf8BOM : .utf8)
        var semicolons = 0, commas = 0, quoted = false
        var i = bom ? 3 : 0
        var headerEnd = bytes.count
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            else if !quoted && (b == 0x0A || b == 0x0D) { headerEnd = i; break }
            else if !quoted && b == UInt8(ascii: ";") { semicolons += 1 }
            else if !quoted && b == UInt8(ascii: ",") { commas += 1 }
            i += 1
        }
        let separator = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
        let crlf = headerEnd + 1 < bytes.count && bytes[headerEnd] == 0x0D && bytes[headerEnd + 1] == 0x0A
        var decimalComma = false
        if separator == UInt8(ascii: ";") {
            // A cell of digits, one comma, digits: `12,5`, `-3,0`.
            var cell: [UInt8] = []
            for b in bytes[min(headerEnd, bytes.count)...] {
                if b == UInt8(ascii: ";") || b == 0x0A || b == 0x0D {
                    if isDecimalComma(cell) { decimalComma = true; break }
                    cell.removeAll(keepingCapacity: true)
                } else if cell.count < 40 { cell.append(b) }
            }
            if !decimalComma && isDecimalComma(cell) { decimalComma = true }
        }
        return SpreadsheetDialect(encoding: encoding, separator: separator, crlf: crlf, decimalComma: decimalComma)
    }

    static func isDecimalComma(_ cell: [UInt8]) -> Bool {
        var c = cell[...]
        if c.first == UInt8(ascii: "-") { c = c.dropFirst() }
        guard let comma = c.firstIndex(of: UInt8(ascii: ",")) else { return false }
        let whole = c[..<comma], fraction = c[(comma + 1)...]
        return !whole.isEmpty && !fraction.isEmpty && whole.allSatisfy(\.isDigit) && fraction.allSatisfy(\.isDigit)
    }

    /// The file's text: UTF-8 without its BOM, or Windows-1254 decoded. Nil, with the line and the byte, when
    /// a Windows-1254 file holds a byte that is no character there (0x81, 0x8D–0x90, 0x9D, 0x9E).
    public func text(_ bytes: [UInt8]) -> Result<String, UndefinedByte> {
        switch encoding {
        case .utf8: return .success(String(decoding: bytes, as: UTF8.self))
        case .utf8BOM: return .success(String(decoding: bytes.dropFirst(3), as: UTF8.self))
        case .windows1254:
            if let bad = bytes.firstIndex(where: { [0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E].contains($0) }) {
                return .failure(UndefinedByte(line: bytes[..<bad].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }, byte: bytes[bad]))
            }
            return .success(PersonalData.windows1254(bytes))
        }
    }

    public struct UndefinedByte: Error, Sendable, Equatable {
        public var line: Int
        public var byte: UInt8
    }

    /// What the file is, in words: "separator ';', Windows-1254, CRLF line ends, decimal comma".
    public func described() -> Message {
        var en: [String] = [], tr: [String] = []
        if separator == UInt8(ascii: ";") { en.append("';' between cells"); tr.append("hücreler arasında ';'") }
        switch encoding {
        case .windows1254: en.append("Windows-1254 (Turkish) characters"); tr.append("Windows-1254 (Türkçe) karakter kodlaması")
        case .utf8BOM: en.append("UTF-8 with a byte-order mark"); tr.append("bayt sırası işaretli UTF-8")
        case .utf8: break
        }
        if crlf { en.append("CRLF line ends"); tr.append("CRLF satır sonları") }
        if decimalComma { en.append("a decimal comma in numbers"); tr.append("sayılarda ondalık virgül") }
        return Message(en: en.joined(separator: ", "), tr: tr.joined(separator: ", "))
    }
}

extension Messages {
    /// The one finding for a file written by a spreadsheet with Turkish settings.
    static func spreadsheetDialect(_ path: String, _ d: SpreadsheetDialect) -> Message {
        let what = d.described()
        return Message(
            en: "this file was saved by a spreadsheet with Turkish settings (\(what.en)); gpmsync reads UTF-8 CSV with ',' between cells and '.' in numbers. Convert it with `gpmsync import \(path)` (or the Convert button on the daemon's page), or save it in Excel as 'CSV UTF-8 (Comma delimited)'",
            tr: "bu dosya Türkçe ayarlı bir hesap tablosu programıyla kaydedilmiş (\(what.tr)); gpmsync hücreleri ',' ile ayrılmış, sayılarda '.' kullanan UTF-8 CSV okur. Dosyayı `gpmsync import \(path)` komutuyla (ya da daemon sayfasındaki Dönüştür düğmesiyle) dönüştürün veya Excel'de 'CSV UTF-8 (Virgülle ayrılmış)' olarak kaydedin")
    }
}

extension Validator {
    /// One finding for a table file a spreadsheet wrote in its own dialect (`encoding-error` when it is not
    /// UTF-8, `dialect` when it separates cells with `;`); nil for a file gpmsync reads as it is.
    /// `utf8` says whether the bytes were found valid UTF-8 already: then only a header row with more `;`
    /// than `,` leads to a closer look, so ordinary files cost one scan of their first line.
    func dialectFinding(path: String, bytes: [UInt8], utf8: Bool) -> Diagnostic? {
        if utf8 {
            let header = bytes.prefix { $0 != 0x0A && $0 != 0x0D }
            guard header.filter({ $0 == UInt8(ascii: ";") }).count > header.filter({ $0 == UInt8(ascii: ",") }).count else { return nil }
        } else if bytes.contains(0) {
            return nil
        }
        let d = SpreadsheetDialect.sniff(bytes)
        guard !d.isReadable else { return nil }
        // An encoding error names the line of the first byte that is not UTF-8, as for any other file.
        let windows1254 = d.encoding == .windows1254
        return Diagnostic(path: path, line: windows1254 ? firstInvalidUTF8Line(bytes) : 1, rule: windows1254 ? "encoding-error" : "dialect",
                          message: Messages.spreadsheetDialect(path, d))
    }
}
