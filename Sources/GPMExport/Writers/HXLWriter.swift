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
        let codeNames = layout.dimensionCodes.map(\.names)
        // Output rows: one per org unit and codes of the row dimensions, in the order first met.
        var index = KeyIndex(widths: [bits(table.unitNames.count)] + codeNames.map { bits($0.count) }, expected: table.rowCount)
        var firstRow: [Int32] = []
        var cellsOf: [Int32] = []   // per output row and spread code: the table row (−1 none)
        let slots = spreadCodes.count
        var key = [Int32](repeating: 0, count: dims + 1)
        var slotOfCode = [Int](repeating: -1, count: spread.map { codeNames[$0].count } ?? 0)
        for (slot, code) in spreadCodes.enumerated() where code >= 0 && Int(code) < slotOfCode.count { slotOfCode[Int(code)] = slot }
        for row in 0..<table.rowCount {
            key[0] = table.rowUnit[row]
            for d in 0..<dims { key[d + 1] = d == spread ? 0 : table.codes[row * dims + d] }
            let (out, isNew) = index.id(for: key, next: Int32(firstRow.count))
            if isNew { firstRow.append(Int32(row)); cellsOf.append(contentsOf: repeatElement(-1, count: slots)) }
            let slot = spread.map { slotOfCode[Int(table.codes[row * dims + $0])] } ?? 0
            if slot >= 0 { cellsOf[Int(out) * slots + slot] = Int32(row) }
        }
        // Every text of a row, as CSV field bytes once per table rather than once per cell. HXL reads a
        // month as `2025-03` and a quarter as `2025Q1`, the layout's own spellings (libhxl takes DHIS2's
        // `202503` for a day count).
        func field(_ text: String) -> [UInt8] { var out: [UInt8] = []; CSV.appendField(text, to: &out); return out }
        let date = field(table.period)
        let unitFields = table.unitNames.indices.map { field(table.unitProvince[$0]) + [UInt8(ascii: ",")] + field(table.unitNames[$0]) }
        let codeFields = codeNames.map { $0.map(field) }
        let sourceFields = layout.sources.names.map(field)
        // `count_f=` per measure and spread code, then the reason: the text of the `missing` cell.
        let columns: [[UInt8]] = (0..<measures).flatMap { m in
            spreadCodes.map { code in
                Array((layout.measures[m].name + (spread.map { "_" + HXLMapping.tagWord(codeNames[$0][Int(code)]) } ?? "") + "=").utf8)
            }
        }
        let reasonNames = layout.reasons.names.map { Array($0.utf8) }
        let suppressed = Array("suppressed".utf8), notCollected = Array("not_collected".utf8)
        var missing: [UInt8] = []
        file.appendRows(firstRow.count) { buffer in
            for (out, first) in firstRow.enumerated() {
                let row = Int(first)
                buffer.append(contentsOf: date)
                buffer.append(UInt8(ascii: ","))
                buffer.append(contentsOf: unitFields[table.unit(ofRow: row)])
                for d in rowDimensions {
                    buffer.append(UInt8(ascii: ","))
                    buffer.append(contentsOf: codeFields[d][Int(table.codes[row * dims + d])])
                }
                missing.removeAll(keepingCapacity: true)
                var source: Int32 = -1
                for m in 0..<measures {
                    for slot in 0..<slots {
                        buffer.append(UInt8(ascii: ","))
                        let r = Int(cellsOf[out * slots + slot])
                        guard r >= 0 else { continue }
                        if source < 0 { source = table.sources[r] }
                        let cell = r * measures + m
                        let state = table.cellState(row: r, measure: m)
                        if state == .published {
                            CSV.appendInteger(table.values[cell], to: &buffer)
                            continue
                        }
                        if !missing.isEmpty { missing.append(UInt8(ascii: ";")) }
                        missing.append(contentsOf: columns[m * slots + slot])
                        if state.isSuppressed {
                            missing.append(contentsOf: suppressed)
                        } else {
                            let reason = table.reasons[cell]
                            missing.append(contentsOf: reason >= 0 ? reasonNames[Int(reason)] : notCollected)
                        }
                    }
                }
                buffer.append(UInt8(ascii: ","))
                if source >= 0 { buffer.append(contentsOf: sourceFields[Int(source)]) }
                buffer.append(UInt8(ascii: ","))
                CSV.appendField(bytes: missing, to: &buffer)
                buffer.append(0x0A)
            }
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
