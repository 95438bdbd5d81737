import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GPMCore
import ZIPFoundation

/// Reads the worksheets of an `.xlsx` workbook (Office Open XML, ECMA-376 part 1).
///
/// What is library code and what is hand-written: ZIPFoundation opens the container and inflates its parts;
/// Foundation's XMLParser (libxml2) tokenises each part. Hand-written here, because no Swift package for
/// xlsx builds on Linux with these two alone: the walk of the parts (workbook → relationships → worksheets,
/// shared strings, styles), the cell model (shared, inline and formula strings, numbers, booleans, errors,
/// ISO dates), the decision that a number is a date (the cell's number format, built-in or custom, as
/// ECMA-376 §18.8.30 lists them), the 1900 and 1904 date systems, and merged ranges. Formulas are not
/// evaluated: their stored result is read, and a formula with none is reported, not guessed.
public enum XLSXReader {
    /// Limits against a hostile workbook: the file, each inflated part, and the grid.
    public static let maximumFileSize = 10 << 20
    public static let maximumPartSize = 100 << 20
    public static let maximumRows = 200_000
    public static let maximumColumns = 1_000

    public struct Workbook: Sendable {
        public var sheets: [(sheet: Sheet, hidden: Bool)]
    }

    public static func read(_ data: Data) throws(ImportProblem) -> Workbook {
        guard data.count <= maximumFileSize else {
            throw ImportProblem(Message(en: "the workbook is \(data.count) bytes; the limit is 10 MiB", tr: "çalışma kitabı \(data.count) bayt; sınır 10 MiB"))
        }
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw notAWorkbook("it is not a ZIP container")
        }
        func part(_ path: String) throws(ImportProblem) -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize <= UInt64(maximumPartSize) else { throw notAWorkbook("its part \(path) is larger than 100 MiB") }
            var out = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    out.append(chunk)
                    if out.count > maximumPartSize { throw CocoaError(.fileReadTooLarge) }
                }
            } catch { throw notAWorkbook("its part \(path) cannot be inflated (\(error))") }
            return out
        }
        guard let workbookXML = try part("xl/workbook.xml") else { throw notAWorkbook("it has no xl/workbook.xml") }
        let workbook = try parse(workbookXML, WorkbookParts(), "xl/workbook.xml")
        var rels: [String: String] = [:], strings: [String] = [], styles = Styles()
        if let d = try part("xl/_rels/workbook.xml.rels") { rels = try parse(d, Relationships(), "xl/_rels/workbook.xml.rels").targets }
        if let d = try part("xl/sharedStrings.xml") { strings = try parse(d, SharedStrings(), "xl/sharedStrings.xml").strings }
        if let d = try part("xl/styles.xml") { styles = try parse(d, Styles(), "xl/styles.xml") }
        let dateStyles = styles.cellFormats.map { id in Styles.builtInDates.contains(id) || styles.custom[id].map(Styles.isDateFormat) == true }
        var sheets: [(sheet: Sheet, hidden: Bool)] = []
        for s in workbook.sheets {
            guard let target = rels[s.relationship] else { continue }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let xml = try part(path) else { throw notAWorkbook("its sheet '\(s.name)' (\(path)) is missing") }
            let reader = WorksheetReader(strings: strings, dateStyles: dateStyles, date1904: workbook.date1904)
            let w = try parse(xml, reader, path)
            var sheet = Sheet(name: s.name, rows: w.rows, numberStyle: .plain, isWorkbook: true)
            sheet.merged = w.merged
            sheets.append((sheet, s.hidden))
        }
        return Workbook(sheets: sheets)
    }

    static func notAWorkbook(_ why: String) -> ImportProblem {
        ImportProblem(Message(en: "the file cannot be read as an .xlsx workbook: \(why)", tr: "dosya .xlsx çalışma kitabı olarak okunamıyor: \(why)"))
    }

    static func parse<D: XMLParserDelegate>(_ data: Data, _ delegate: D, _ path: String) throws(ImportProblem) -> D {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse() else {
            if let sheet = delegate as? WorksheetReader, let problem = sheet.problem { throw problem }
            throw notAWorkbook("its part \(path) is not well-formed XML (\(parser.parserError.map { "\($0.localizedDescription)" } ?? "?"))")
        }
        return delegate
    }

    /// `B7` → (row 6, column 1), 0-based; nil for anything else.
    static func cellReference(_ ref: String) -> (row: Int, column: Int)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for u in ref.utf8 {
            if u >= 65 && u <= 90 && digits == 0 { column = column * 26 + Int(u - 64); letters += 1 }
            else if u >= 48 && u <= 57 { row = row * 10 + Int(u - 48); digits += 1 }
            else { return nil }
            if letters > 3 || digits > 7 { return nil }
        }
        guard letters > 0, digits > 0, row > 0 else { return nil }
        return (row - 1, column - 1)
    }
}

/// `xl/workbook.xml`: the sheets in order, hidden or not, and the date system.
final class WorkbookParts: NSObject, XMLParserDelegate {
    var sheets: [(name: String, relationship: String, hidden: Bool)] = []
    var date1904 = false

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch local(element) {
        case "sheet":
            let rid = a.first { $0.key == "r:id" || $0.key.hasSuffix(":id") }?.value ?? ""
            sheets.append((a["name"] ?? "", rid, (a["state"] ?? "visible") != "visible"))
        case "workbookPr":
            date1904 = a["date1904"] == "1" || a["date1904"] == "true"
        default: break
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: relationship id → part.
final class Relationships: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]
    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        if local(element) == "Relationship", let id = a["Id"], let target = a["Target"] { targets[id] = target }
    }
}

/// `xl/sharedStrings.xml`: each `<si>`'s text, its runs joined, phonetic hints (`<rPh>`) left out.
final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var inPhonetic = false

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch local(element) {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(element) {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// `xl/styles.xml`: the number format of each cell format (`<cellXfs>`), and the custom formats' codes.
final class Styles: NSObject, XMLParserDelegate {
    var cellFormats: [Int] = []
    var custom: [Int: String] = [:]
    private var inCellXfs = false

    /// The built-in number formats that show a date or time (ECMA-376 §18.8.30).
    static let builtInDates: Set<Int> = [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]

    /// Whether a format code shows a date or time: a d, m, y, h or s outside quotes, escapes and
    /// bracketed parts (colours, conditions, locales), `[h]`-style elapsed times aside.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        var bracket = ""
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    if ["h", "hh", "m", "mm", "s", "ss"].contains(bracket) { return true }
                } else { bracket.append(ch) }
                continue
            }
            switch ch {
            case "\\", "_", "*": escaped = true
            case "\"": inQuote = true
            case "[": inBracket = true; bracket = ""
            case "d", "m", "y", "h", "s": return true
            default: break
            }
        }
        return false
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch local(element) {
        case "numFmt": if let id = a["numFmtId"].flatMap({ Int($0) }), let code = a["formatCode"] { custom[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf": if inCellXfs { cellFormats.append(a["numFmtId"].flatMap { Int($0) } ?? 0) }
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if local(element) == "cellXfs" { inCellXfs = false }
    }
}

/// One worksheet: `<sheetData>` into rows of cells, `<mergeCells>` into ranges.
final class WorksheetReader: NSObject, XMLParserDelegate {
    let strings: [String]
    let dateStyles: [Bool]
    let date1904: Bool
    var rows: [[Sheet.Cell]] = []
    var merged: [(top: Int, left: Int, bottom: Int, right: Int)] = []
    var problem: ImportProblem?

    private var rowIndex = -1
    private var nextColumn = 0
    private var cell: (row: Int, column: Int, type: String, style: Int, hasFormula: Bool)?
    private var value: String?
    private var inline = ""
    private var collecting: String?

    init(strings: [String], dateStyles: [Bool], date1904: Bool) {
        self.strings = strings; self.dateStyles = dateStyles; self.date1904 = date1904
    }

    func fail(_ parser: XMLParser, _ en: String, _ tr: String) {
        if problem == nil { problem = ImportProblem(Message(en: en, tr: tr)) }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch local(element) {
        case "row":
            rowIndex = a["r"].flatMap { Int($0) }.map { $0 - 1 } ?? rowIndex + 1
            nextColumn = 0
        case "c":
            var row = rowIndex, column = nextColumn
            if let r = a["r"] {
                guard let ref = XLSXReader.cellReference(r) else { return fail(parser, "the cell reference '\(r)' cannot be read", "'\(r)' hücre başvurusu okunamıyor") }
                (row, column) = ref
            }
            guard row >= 0, row < XLSXReader.maximumRows, column < XLSXReader.maximumColumns else {
                return fail(parser, "the sheet reaches beyond row \(XLSXReader.maximumRows) or column \(XLSXReader.maximumColumns)",
                            "sayfa \(XLSXReader.maximumRows). satırın ya da \(XLSXReader.maximumColumns). sütunun ötesine uzanıyor")
            }
            nextColumn = column + 1
            cell = (row, column, a["t"] ?? "n", a["s"].flatMap { Int($0) } ?? 0, false)
            value = nil
            inline = ""
        case "v": collecting = ""
        case "f": cell?.hasFormula = true
        case "t": if cell != nil { collecting = "" }
        case "mergeCell":
            let parts = (a["ref"] ?? "").split(separator: ":").map(String.init)
            if parts.count == 2, let from = XLSXReader.cellReference(parts[0]), let to = XLSXReader.cellReference(parts[1]) {
                merged.append((min(from.row, to.row), min(from.column, to.column), max(from.row, to.row), max(from.column, to.column)))
            }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { collecting? += string }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(element) {
        case "v": value = collecting; collecting = nil
        case "t": if let c = collecting { inline += c }; collecting = nil
        case "c":
            guard let c = cell else { return }
            cell = nil
            let made = make(c.type, c.style, c.hasFormula)
            guard case .empty = made else {
                while rows.count <= c.row { rows.append([]) }
                if rows[c.row].count <= c.column { rows[c.row] += Array(repeating: .empty, count: c.column + 1 - rows[c.row].count) }
                rows[c.row][c.column] = made
                return
            }
        default: break
        }
    }

    private func make(_ type: String, _ style: Int, _ hasFormula: Bool) -> Sheet.Cell {
        if type == "inlineStr" { return inline.isEmpty ? .empty : .text(inline) }
        // openpyxl and other writers leave `<v></v>` (or none) where no program has computed a formula.
        guard let v = value, !v.isEmpty else { return hasFormula ? .error("a formula without a stored result (open and save the workbook in the spreadsheet program)") : .empty }
        switch type {
        case "s":
            guard let i = Int(v), strings.indices.contains(i) else { return .error("a shared string that does not exist (\(v))") }
            return strings[i].isEmpty ? .empty : .text(strings[i])
        case "str": return .text(v)
        case "b": return .bool(v == "1" || v == "true")
        case "e": return .error(v)
        case "d":
            guard let days = Self.serial(iso: v) else { return .error("the date '\(v)'") }
            return .date(days)
        default:
            guard let d = Double(v) else { return .error("the number '\(v)'") }
            if style < dateStyles.count, dateStyles[style] { return .date(date1904 ? d + 1462 : d) }
            return .number(v, d)
        }
    }

    /// `2025-03-31` or `2025-03-31T10:15:00` as days since 1899-12-30.
    static func serial(iso: String) -> Double? {
        let p = iso.split(whereSeparator: { "-T:.Z".contains($0) }).prefix(6).compactMap { Int($0) }
        guard p.count >= 3 else { return nil }
        var c = DateComponents(); c.year = p[0]; c.month = p[1]; c.day = p[2]
        c.hour = p.count > 3 ? p[3] : 0; c.minute = p.count > 4 ? p[4] : 0; c.second = p.count > 5 ? p[5] : 0
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let date = cal.date(from: c) else { return nil }
        return date.timeIntervalSince1970 / 86_400 + 25_569
    }
}

/// An element's name without its namespace prefix.
private func local(_ name: String) -> Substring {
    name.split(separator: ":").last ?? Substring(name)
}
