import GPMCore

/// `--format hxl`: one CSV per dataset, the HXL hashtag row under the header. The spread dimension (sex)
/// becomes columns (`#affected+migrants+f`, `+m`, the total without an attribute); every other dimension,
/// the period and the org unit stay rows. An empty count says why in the row's `#meta+missing` cell
/// (`count_f=suppressed`).
final class HXLWriter: TableWriter {
    let directory: String
    let mapping: HXLMapping
    private var file: OutputFile?
    private var written: [WrittenFile] = []
    // The current dataset's columns.
    private var spread: Int?
    private var spreadCodes: [Int32] = []
    private var rowDimensions: [Int] = []

    init(directory: String, mapping: HXLMapping) {
        self.directory = directory
        self.mapping = mapping
    }

    func begin(_ layout: TableLayout) throws {
        let file = try OutputFile(directory + "/" + layout.dataset.name + ".csv")
        spread = mapping.spreadDimension.flatMap { layout.dimensions.firstIndex(of: $0) }
        rowDimensions = layout.dimensions.indices.filter { $0 != spread }
        var header = ["period", "province", "org_unit"] + rowDimensions.map { layout.dimensions[$0] }
        var tags = [mapping.tag(column: "period"), mapping.tag(column: "province"), mapping.tag(column: "org_unit")]
            + rowDimensions.map { mapping.tag(column: layout.dimensions[$0]) }
        if let spread {
            // The code list's codes, the total last: F, M, UNK, ALL.
            let names = layout.dimensionCodes[spread].names
            spreadCodes = names.indices.map { Int32($0) }.sorted { a, b in
                let ta = a == layout.allCode[spread], tb = b == layout.allCode[spread]
                return ta != tb ? tb : names[Int(a)] < names[Int(b)]
            }
        } else {
            spreadCodes = [-1]
        }
        for measure in layout.measures {
            let tag = mapping.tag(dataset: layout.dataset.name, measure: measure.name)
            for code in spreadCodes {
                guard let spread, code >= 0 else { header.append(measure.name); tags.append(tag); continue }
                let name = layout.dimensionCodes[spread].names[Int(code)]
                header.append(measure.name + "_" + HXLMapping.tagWord(name))
                let attribute = mapping.spreadAttributes.first { $0.code == name }?.attribute ?? "+x_" + HXLMapping.tagWord(name)
                tags.append(tag + attribute)
            }
        }
        header += ["source", "missing"]
        tags += [mapping.tag(column: "source"), mapping.tag(column: "missing")]
        file.appendRow(header)
        file.appendRow(tags)
        self.file = file
    }

    func write(_ table: PeriodTable) throws {
        guard let file else { return }
        let layout = table.layout
        let measures = layout.measures.count
        let dims = layout.dimensions.count
        // Output rows: one per org unit and codes of the row dimensions, in the order first met.
        var index = KeyIndex(widths: [bits(table.unitNames.count)] + layout.dimensionCodes.map { bits($0.count) })
        var firstRow: [Int32] = []
        var cellsOf: [[Int32]] = []   // per output row, per spread code: the table row (−1 none)
        var key = [Int32](repeating: 0, count: dims + 1)
        let spreadSlot = Dictionary(uniqueKeysWithValues: spreadCodes.enumerated().map { ($1, $0) })
        for row in 0..<table.rowCount {
            key[0] = table.rowUnit[row]
            for d in 0..<dims { key[d + 1] = d == spread ? 0 : table.codes[row * dims + d] }
            let (out, isNew) = index.id(for: key, next: Int32(firstRow.count))
            if isNew { firstRow.append(Int32(row)); cellsOf.append([Int32](repeating: -1, count: spreadCodes.count)) }
            let slot: Int?
            if let spread { slot = spreadSlot[table.codes[row * dims + spread]] } else { slot = 0 }
            if let slot { cellsOf[Int(out)][slot] = Int32(row) }
        }
        // HXL reads a month as `2025-03` and a quarter as `2025Q1`, the layout's own spellings (libhxl
        // takes DHIS2's `202503` for a day count).
        let date = table.period
        var fields: [String] = []
        for (out, first) in firstRow.enumerated() {
            let row = Int(first)
            let unit = table.unit(ofRow: row)
            fields.removeAll(keepingCapacity: true)
            fields.append(date)
            fields.append(table.unitProvince[unit])
            fields.append(table.unitNames[unit])
            for d in rowDimensions { fields.append(table.code(row: row, dimension: d)) }
            var missing: [String] = []
            var source: String?
            for m in 0..<measures {
                for (slot, code) in spreadCodes.enumerated() {
                    let r = Int(cellsOf[out][slot])
                    guard r >= 0 else { fields.append(""); continue }
                    source = source ?? table.source(row: r)
                    if let v = table.value(row: r, measure: m) {
                        fields.append(String(v))
                    } else {
                        fields.append("")
                        let column = layout.measures[m].name + (spread.map { "_" + HXLMapping.tagWord(layout.dimensionCodes[$0].names[Int(code)]) } ?? "")
                        missing.append(column + "=" + (table.missingReason(row: r, measure: m) ?? ""))
                    }
                }
            }
            fields.append(source ?? "")
            fields.append(missing.joined(separator: ";"))
            file.appendRow(fields)
        }
    }

    func end(_ layout: TableLayout) throws {
        guard let file else { return }
        try file.commit()
        written.append(WrittenFile(path: file.path, rows: file.rows - 2, dataset: layout.dataset.name))
        self.file = nil
    }

    func finish(_ context: ExportContext) throws -> [WrittenFile] { written }
}
