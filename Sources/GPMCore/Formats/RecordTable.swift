/// A table of records keyed by the dataset's primary key, read by column name (so a spreadsheet that
/// reorders columns still lines up), and written back canonically in schema order.
public struct RecordTable: Sendable, Equatable {
    /// Column names in output order: the schema's fields, then any extra columns the file had.
    public var columns: [String]
    /// Rows in file order.
    public var keys: [RecordKey]
    public var rows: [RecordKey: [String: String]]

    public init(columns: [String], keys: [RecordKey] = [], rows: [RecordKey: [String: String]] = [:]) {
        self.columns = columns; self.keys = keys; self.rows = rows
    }

    /// Parses a file; nil when it cannot be keyed (no header, a key column missing, a duplicate key), in
    /// which case callers fall back to line-based handling.
    public init?(bytes: [UInt8], schema: TableSchema) {
        let table = CSV.parse(bytes)
        guard !table.header.isEmpty, table.problems.isEmpty,
              schema.primaryKey.allSatisfy(table.header.contains), Set(table.header).count == table.header.count else { return nil }
        var columns = schema.fields.map(\.name).filter(table.header.contains)
        columns += table.header.filter { !columns.contains($0) }
        let keyIdx = schema.primaryKey.map { table.header.firstIndex(of: $0)! }
        var keys: [RecordKey] = []
        var rows: [RecordKey: [String: String]] = [:]
        for row in table.rows where !row.isBlank {
            guard row.fields.count == table.header.count else { return nil }
            let key = RecordKey(keyIdx.map { row.fields[$0] })
            guard rows[key] == nil else { return nil }
            keys.append(key)
            rows[key] = Dictionary(uniqueKeysWithValues: zip(table.header, row.fields))
        }
        self.columns = columns
        self.keys = keys
        self.rows = rows
    }

    public func bytes() -> [UInt8] {
        CSV.write(header: columns, rows: keys.map { k in columns.map { rows[k]?[$0] ?? "" } })
    }
}

/// The values of a row's primary-key fields.
public struct RecordKey: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public var values: [String]
    public init(_ values: [String]) { self.values = values }
    public var description: String { values.joined(separator: "|") }
    public static func < (a: RecordKey, b: RecordKey) -> Bool { a.values.lexicographicallyPrecedes(b.values) }

    public init(from decoder: Decoder) throws { values = try decoder.singleValueContainer().decode(String.self).split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}
