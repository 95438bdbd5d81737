import Foundation
import GPMCore

/// A sheet converted to a dataset's canonical table: the schema's columns in the schema's order, each value
/// written as gpmsync reads it. Nothing is guessed: a value that cannot be converted (a fraction in a count, a
/// date in a number column, an error cell, a formula without a stored result) is reported with its cell, and
/// then nothing is written at all; so is a column the schema does not have (its values would be lost).
public struct TableImport: Sendable {
    /// The canonical CSV, when every value converted.
    public var csv: [UInt8]?
    /// What could not be converted, each with its cell: any one means `csv` is nil.
    public var problems: [ImportProblem]
    /// What the conversion did that a person may want to know (a title row skipped, a missing column added).
    public var notes: [Message]
    public var rows: Int

    /// At most this many problems are listed; the count says how many there were.
    public static let problemLimit = 50

    public static func convert(_ sheet: Sheet, dataset: Dataset) -> TableImport {
        var out = TableImport(csv: nil, problems: [], notes: [], rows: 0)
        let schema = dataset.schema
        let names = schema.fields.map(\.name)
        func label(_ c: Sheet.Cell) -> String {
            if case .text(let s) = c { return s.trimmingCharacters(in: .whitespaces) }
            return ""
        }
        // The header: the first of the top rows that names every key column.
        guard let headerRow = sheet.rows.prefix(20).firstIndex(where: { row in
            let labels = Set(row.map(label))
            return schema.primaryKey.allSatisfy(labels.contains)
        }) else {
            out.problems.append(ImportProblem(Message(
                en: "no row among the first 20 names the key columns \(schema.primaryKey.joined(separator: ", ")); the first row must be the header (\(names.joined(separator: ", ")))",
                tr: "ilk 20 satırın hiçbiri \(schema.primaryKey.joined(separator: ", ")) anahtar sütunlarını içermiyor; ilk satır başlık olmalı (\(names.joined(separator: ", ")))")))
            return out
        }
        if headerRow > 0 {
            out.notes.append(Message(en: "rows 1–\(headerRow) above the header (a title) were left out", tr: "başlığın üstündeki 1–\(headerRow). satırlar (başlık yazısı) alınmadı"))
        }
        let rows = filledMerges(sheet, below: headerRow)
        let header = rows[headerRow].map(label)
        var columnOf: [String: Int] = [:]
        for (k, name) in header.enumerated() where !name.isEmpty {
            if !names.contains(name) {
                out.problems.append(ImportProblem(Message(
                    en: "\(sheet.place(row: headerRow, column: k).en): the column '\(name)' is not in the schema of \(dataset.name) (\(names.joined(separator: ", "))); rename or remove it, its values would be lost",
                    tr: "\(sheet.place(row: headerRow, column: k).tr): '\(name)' sütunu \(dataset.name) şemasında yok (\(names.joined(separator: ", "))); yeniden adlandırın ya da kaldırın, değerleri kaybolurdu")))
            } else if columnOf[name] != nil {
                out.problems.append(ImportProblem(Message(
                    en: "\(sheet.place(row: headerRow, column: k).en): the column '\(name)' appears twice", tr: "\(sheet.place(row: headerRow, column: k).tr): '\(name)' sütunu iki kez var")))
            } else {
                columnOf[name] = k
            }
        }
        for name in names where columnOf[name] == nil && !schema.primaryKey.contains(name) {
            out.notes.append(Message(en: "the column '\(name)' was missing and is added empty", tr: "'\(name)' sütunu yoktu, boş olarak eklendi"))
        }
        var body: [[String]] = []
        for r in rows.indices.dropFirst(headerRow + 1) {
            let row = rows[r]
            if row.allSatisfy(\.isEmpty) { continue }
            // A value under no header would be lost.
            for (k, cell) in row.enumerated() where !cell.isEmpty && (k >= header.count || header[k].isEmpty) {
                out.problems.append(ImportProblem(Message(
                    en: "\(sheet.place(row: r, column: k).en): a value under no column header", tr: "\(sheet.place(row: r, column: k).tr): başlığı olmayan bir sütunda değer var")))
            }
            var values: [String] = []
            for field in schema.fields {
                guard let k = columnOf[field.name] else { values.append(""); continue }
                let cell = k < row.count ? row[k] : .empty
                switch convert(cell, to: field, style: sheet.numberStyle) {
                case .success(let v): values.append(v)
                case .failure(let why):
                    values.append("")
                    out.problems.append(ImportProblem(Message(
                        en: "\(sheet.place(row: r, column: k).en) (\(field.name)): \(why.message.en)", tr: "\(sheet.place(row: r, column: k).tr) (\(field.name)): \(why.message.tr)")))
                }
            }
            body.append(values)
        }
        out.rows = body.count
        if out.problems.isEmpty { out.csv = CSV.write(header: names, rows: body) }
        return out
    }

    /// The rows with each merged range below the header filled with its top-left value (a key typed once for
    /// several rows stands for each of them); the header and what is above it are left as they are.
    static func filledMerges(_ sheet: Sheet, below headerRow: Int) -> [[Sheet.Cell]] {
        var rows = sheet.rows
        for m in sheet.merged where m.top > headerRow && m.top < rows.count && m.left < (rows[m.top].count) {
            let value = rows[m.top][m.left]
            for r in m.top...min(m.bottom, rows.count - 1) {
                for c in m.left...m.right {
                    if rows[r].count <= c { rows[r] += Array(repeating: .empty, count: c + 1 - rows[r].count) }
                    rows[r][c] = value
                }
            }
        }
        return rows
    }

    /// One cell as the field's type writes it, or why it cannot be.
    public static func convert(_ cell: Sheet.Cell, to field: Field, style: Sheet.NumberStyle) -> Result<String, ImportProblem> {
        func refuse(_ en: String, _ tr: String) -> Result<String, ImportProblem> { .failure(ImportProblem(Message(en: en, tr: tr))) }
        switch field.type {
        case .integer, .number:
            let integer = field.type == .integer
            switch cell {
            case .empty: return .success("")
            case .number(_, let d): return number(d, integer: integer, shown: shortest(d))
            case .text(let raw):
                let s = raw.trimmingCharacters(in: CharacterSet(charactersIn: " \u{00A0}\t"))
                if s.isEmpty { return .success("") }
                guard let d = parseNumber(s, style: style) else {
                    return style == .turkish
                        ? refuse("'\(raw)' is not a number (written the Turkish way: 1234, 1.234 or 12,5)", "'\(raw)' bir sayı değil (Türkçe yazımla: 1234, 1.234 veya 12,5)")
                        : refuse("'\(raw)' is not a number (write 1234 or 12.5, without thousands separators)", "'\(raw)' bir sayı değil (1234 veya 12.5 yazın, binlik ayırıcı olmadan)")
                }
                return number(d, integer: integer, shown: raw)
            case .date: return refuse("a date where a number belongs", "sayı olması gereken yerde tarih var")
            case .bool: return refuse("TRUE or FALSE where a number belongs", "sayı olması gereken yerde DOĞRU/YANLIŞ var")
            case .error(let e): return refuse("the cell holds \(e), not a value", "hücrede değer yerine \(e) var")
            }
        case .date:
            switch cell {
            case .empty: return .success("")
            case .date(let days):
                guard case let (y, m, d, seconds)? = calendarDate(days), seconds == 0 else {
                    return refuse("a date with a time of day where only a date belongs", "yalnızca tarih olması gereken yerde saatli tarih var")
                }
                return .success(isoDate(y, m, d))
            case .text(let raw):
                let s = raw.trimmingCharacters(in: .whitespaces)
                if s.isEmpty { return .success("") }
                if s.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil { return .success(s) }
                if style == .turkish, s.range(of: #"^\d{2}\.\d{2}\.\d{4}$"#, options: .regularExpression) != nil {
                    let p = s.split(separator: ".")
                    return .success("\(p[2])-\(p[1])-\(p[0])")
                }
                return refuse("'\(raw)' is not a date (write 2025-03-31)", "'\(raw)' bir tarih değil (2025-03-31 biçiminde yazın)")
            default: return refuse("a date belongs here", "burada tarih olmalı")
            }
        case .boolean:
            switch cell {
            case .empty: return .success("")
            case .bool(let b): return .success(b ? "true" : "false")
            case .text(let s): return .success(s)
            default: return refuse("TRUE or FALSE belongs here", "burada DOĞRU veya YANLIŞ olmalı")
            }
        case .string, .any:
            switch cell {
            case .empty: return .success("")
            case .text(let s): return .success(s)
            case .number(_, let d): return .success(shortest(d))
            case .date(let days):
                guard case let (y, m, d, seconds)? = calendarDate(days) else { return refuse("a date out of range", "aralık dışında bir tarih") }
                if seconds == 0 { return .success(isoDate(y, m, d)) }
                return .success(isoDate(y, m, d) + String(format: "T%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60))
            case .bool(let b): return .success(b ? "TRUE" : "FALSE")
            case .error(let e): return refuse("the cell holds \(e), not a value", "hücrede değer yerine \(e) var")
            }
        }
    }

    static func number(_ d: Double, integer: Bool, shown: String) -> Result<String, ImportProblem> {
        guard d.isFinite, abs(d) < 9_007_199_254_740_992 else {
            return .failure(ImportProblem(Message(en: "'\(shown)' is out of range", tr: "'\(shown)' aralık dışında")))
        }
        if integer {
            guard d == d.rounded() else {
                return .failure(ImportProblem(Message(en: "'\(shown)' is not a whole number; counts are whole numbers", tr: "'\(shown)' tam sayı değil; sayımlar tam sayıdır")))
            }
            return .success(String(Int64(d)))
        }
        return .success(shortest(d))
    }

    /// A number written without exponent or trailing zeros: `12`, `12.5`.
    static func shortest(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return String(Int64(d)) }
        let s = "\(d)"
        if !s.contains("e") { return s }
        return NSDecimalNumber(value: d).stringValue
    }

    /// A number typed as text. Plain: `-12`, `12.5`. Turkish (a `;` CSV): `.` groups thousands (strictly by
    /// three) and `,` is the decimal separator: `1.234`, `12,5`, `1.234,50`. Anything else is nil.
    static func parseNumber(_ s: String, style: Sheet.NumberStyle) -> Double? {
        let plain = #"^-?\d+(\.\d+)?$"#
        let turkish = #"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"#
        switch style {
        case .plain:
            guard s.range(of: plain, options: .regularExpression) != nil else { return nil }
            return Double(s)
        case .turkish:
            guard s.range(of: turkish, options: .regularExpression) != nil else { return nil }
            return Double(s.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "."))
        }
    }

    /// Days since 1899-12-30 (the spreadsheet serial date) as a calendar date and seconds into the day.
    static func calendarDate(_ days: Double) -> (Int, Int, Int, Int)? {
        guard days.isFinite, days >= 0, days < 2_958_466 else { return nil }
        var whole = Int(days.rounded(.down))
        var seconds = Int(((days - Double(whole)) * 86_400).rounded())
        if seconds >= 86_400 { whole += 1; seconds -= 86_400 }
        // Civil from days (Howard Hinnant's algorithm), with 1899-12-30 as day 0 = 1970-01-01 − 25,569.
        let z = whole - 25_569 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d, seconds)
    }

    static func isoDate(_ y: Int, _ m: Int, _ d: Int) -> String { String(format: "%04d-%02d-%02d", y, m, d) }
}
