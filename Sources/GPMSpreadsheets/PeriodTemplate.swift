import Foundation
import GPMCore
import ZIPFoundation

/// An empty table for a period, as staff fill it in: every key row the municipality reported in its earlier
/// periods, with the `ALL` rows that total them (every dimension, alone or together, replaced by `ALL`), in
/// the code lists' order; the measures and the other columns empty.
public struct PeriodTemplate: Sendable {
    public var dataset: Dataset
    public var keys: [RecordKey]
    /// For each coded column, its codes in the code list's order (the drop-down lists of the workbook).
    public var codes: [String: [String]]

    /// `earlier`: the municipality's tables of the dataset's earlier periods (any that exist).
    public init(dataset: Dataset, earlier: [[UInt8]], codes: [String: [String]]) {
        self.dataset = dataset
        self.codes = codes
        let schema = dataset.schema
        var found = Set<RecordKey>()
        for bytes in earlier {
            if let table = RecordTable(bytes: bytes, schema: schema) { found.formUnion(table.keys) }
        }
        // The grand total always; then the closure under "this dimension replaced by ALL".
        var keys = found
        keys.insert(RecordKey(Array(repeating: "ALL", count: schema.primaryKey.count)))
        var frontier = Array(keys)
        while let k = frontier.popLast() {
            for i in k.values.indices where k.values[i] != "ALL" {
                var t = k
                t.values[i] = "ALL"
                if keys.insert(t).inserted { frontier.append(t) }
            }
        }
        let order: [[String: Int]] = schema.primaryKey.map { name in
            Dictionary((codes[name] ?? []).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }
        self.keys = keys.sorted { a, b in
            for i in a.values.indices where a.values[i] != b.values[i] {
                let x = order[i][a.values[i]] ?? Int.max, y = order[i][b.values[i]] ?? Int.max
                return x != y ? x < y : a.values[i] < b.values[i]
            }
            return false
        }
    }

    /// The codes of every coded column of a dataset, in the order of its code list's file.
    public static func codes(of dataset: Dataset, package: DataPackage, source: FileSource) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for fk in dataset.schema.foreignKeys {
            guard let path = package.codeListPaths[fk.resource], let bytes = source.bytes(at: path) else { continue }
            let table = CSV.parse(bytes)
            guard let k = table.header.firstIndex(of: fk.referencedField) else { continue }
            out[fk.field] = table.rows.compactMap { $0.fields.count > k && !$0.fields[k].isEmpty ? $0.fields[k] : nil }
        }
        return out
    }

    /// The template as a canonical CSV.
    public func csv() -> [UInt8] {
        let fields = dataset.schema.fields.map(\.name)
        let keyIndex = dataset.schema.primaryKey.map { k in fields.firstIndex(of: k)! }
        let rows = keys.map { key -> [String] in
            var row = Array(repeating: "", count: fields.count)
            for (i, k) in keyIndex.enumerated() { row[k] = key.values[i] }
            return row
        }
        return CSV.write(header: fields, rows: rows)
    }

    /// The template as an `.xlsx` workbook: the table on the first sheet (header frozen, coded and text
    /// columns formatted as text so Excel never turns `5-9` into a date), drop-down lists on every coded
    /// column that accept only a code of its list (the lists on a hidden sheet), whole numbers ≥ 0 only in
    /// the count columns; room for 500 more rows.
    public func xlsx() throws -> Data {
        try XLSXWriter.workbook(template: self)
    }
}

/// Writes the template workbook. Hand-written SpreadsheetML (ECMA-376): the five parts a workbook needs, one
/// style for text, inline strings; ZIPFoundation makes the container.
enum XLSXWriter {
    static func workbook(template t: PeriodTemplate) throws -> Data {
        let fields = t.dataset.schema.fields
        let keyIndex = t.dataset.schema.primaryKey.map { k in fields.firstIndex { $0.name == k }! }
        let lastRow = t.keys.count + 501
        let coded = fields.enumerated().filter { t.codes[$0.element.name] != nil }
        func col(_ i: Int) -> String { Sheet.columnName(i) }
        func text(_ s: String, _ ref: String, bold: Bool = false) -> String {
            "<c r=\"\(ref)\" t=\"inlineStr\" s=\"\(bold ? 2 : 1)\"><is><t xml:space=\"preserve\">\(xmlEscaped(s))</t></is></c>"
        }
        var sheet = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            <cols>
            """
        for (i, f) in fields.enumerated() {
            let text = f.type == .string || f.type == .any
            sheet += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(max(12, f.name.count + 4))\"\(text ? " style=\"1\"" : "") customWidth=\"1\"/>"
        }
        sheet += "</cols><sheetData><row r=\"1\">"
        for (i, f) in fields.enumerated() { sheet += text(f.name, "\(col(i))1", bold: true) }
        sheet += "</row>"
        for (r, key) in t.keys.enumerated() {
            sheet += "<row r=\"\(r + 2)\">"
            for (i, k) in keyIndex.enumerated() { sheet += text(key.values[i], "\(col(k))\(r + 2)") }
            sheet += "</row>"
        }
        sheet += "</sheetData>"
        var validations: [String] = []
        for (n, (i, f)) in coded.enumerated() {
            let count = t.codes[f.name]!.count
            validations.append("""
                <dataValidation type="list" allowBlank="1" showErrorMessage="1" errorTitle="\(xmlEscaped(f.name))" error="\(xmlEscaped("Choose a code from the list. / Listeden bir kod seçin."))" sqref="\(col(i))2:\(col(i))\(lastRow)"><formula1>lists!$\(col(n))$2:$\(col(n))$\(count + 1)</formula1></dataValidation>
                """)
        }
        for (i, f) in fields.enumerated() where f.type == .integer {
            validations.append("""
                <dataValidation type="whole" operator="greaterThanOrEqual" allowBlank="1" showErrorMessage="1" errorTitle="\(xmlEscaped(f.name))" error="\(xmlEscaped("A whole number, 0 or more. / 0 veya daha büyük bir tam sayı."))" sqref="\(col(i))2:\(col(i))\(lastRow)"><formula1>0</formula1></dataValidation>
                """)
        }
        sheet += "<dataValidations count=\"\(validations.count)\">\(validations.joined())</dataValidations></worksheet>"

        var lists = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            """
        let depth = coded.map { t.codes[$0.element.name]!.count }.max() ?? 0
        for r in 0...depth {
            lists += "<row r=\"\(r + 1)\">"
            for (n, (_, f)) in coded.enumerated() {
                let codes = t.codes[f.name]!
                if r == 0 { lists += text(f.name, "\(col(n))1", bold: true) }
                else if r - 1 < codes.count { lists += text(codes[r - 1], "\(col(n))\(r + 1)") }
            }
            lists += "</row>"
        }
        lists += "</sheetData></worksheet>"

        let parts: [(String, String)] = [
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
                """),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """),
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="\(xmlEscaped(String(t.dataset.name.prefix(31))))" sheetId="1" r:id="rId1"/><sheet name="lists" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
                """),
            // Style 0 the default, 1 text (`@`, number format 49), 2 text in bold for the header.
            ("xl/styles.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
                """),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/worksheets/sheet2.xml", lists),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, xml) in parts {
            let data = Data(xml.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    static func xmlEscaped(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // XML 1.0 has no place for most control characters: they are left out of a code or a name.
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default: if u.value >= 0x20 { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
