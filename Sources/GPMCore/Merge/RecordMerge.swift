/// A cell (or whole row, or front-matter field) both sides changed differently. The sides are neutral:
/// `ours` is the version the merge started from and kept in the merged file, `theirs` the one merged in;
/// who each side is (this laptop, central, main, a contribution) is the caller's to say (`MergeSides`).
public struct CellConflict: Sendable, Equatable, Codable {
    /// The row key (`TP|SYR|F|ALL`) or the front-matter field name; empty for a whole-file conflict.
    public var key: String
    /// The column; empty when the whole row conflicts (an edit against a deletion, or row-level strictness).
    public var field: String
    public var ancestor: String?
    public var ours: String?
    public var theirs: String?

    public init(key: String, field: String, ancestor: String?, ours: String?, theirs: String?) {
        self.key = key; self.field = field; self.ancestor = ancestor; self.ours = ours; self.theirs = theirs
    }
}

/// Who the two sides of a merge are: a label for people and the commit of each.
public struct MergeSides: Sendable, Equatable, Codable {
    public struct Side: Sendable, Equatable, Codable {
        /// `local`, `central`, `main`, `contribution` (a word the messages translate, not free text).
        public var label: String
        public var commit: String
        public init(label: String, commit: String) { self.label = label; self.commit = commit }
    }
    public var ours: Side
    public var theirs: Side
    public init(ours: Side, theirs: Side) { self.ours = ours; self.theirs = theirs }

    /// A municipality's laptop merging what came from central.
    public static func localAndCentral(local: String, central: String) -> MergeSides {
        MergeSides(ours: Side(label: "local", commit: local), theirs: Side(label: "central", commit: central))
    }
}

/// The result of merging one file.
public struct FileMerge: Sendable {
    /// The merged content, nil when the file is deleted.
    public var bytes: [UInt8]?
    public var conflicts: [CellConflict]
    public init(bytes: [UInt8]?, conflicts: [CellConflict]) { self.bytes = bytes; self.conflicts = conflicts }
}

/// Three-way merge of record tables by primary key and cell, against the common ancestor.
public enum RecordMerge {
    /// Merges a table; nil when one of the versions cannot be keyed (the caller then merges text).
    public static func merge(base: [UInt8]?, ours local: [UInt8]?, theirs central: [UInt8]?, dataset: Dataset) -> FileMerge? {
        let schema = dataset.schema
        func table(_ b: [UInt8]?) -> RecordTable?? {
            guard let b else { return .some(nil) }
            guard let t = RecordTable(bytes: b, schema: schema) else { return nil }
            return .some(t)
        }
        guard let b = table(base), let o = table(local), let t = table(central) else { return nil }
        // A whole file deleted on one side and edited on the other is a conflict on every edited row.
        if o == nil && t == nil { return FileMerge(bytes: nil, conflicts: []) }
        let columns = (o ?? t)!.columns + ((t?.columns ?? []).filter { !((o ?? t)!.columns).contains($0) })
        var merged = RecordTable(columns: columns)
        var conflicts: [CellConflict] = []
        var order = o?.keys ?? []
        let inOrder = Set(order)
        order += (t?.keys ?? []).filter { !inOrder.contains($0) }
        order += (b?.keys ?? []).filter { !inOrder.contains($0) && !(t?.rows[$0] != nil) }
        var seen = Set<RecordKey>()
        for key in order where seen.insert(key).inserted {
            let br = b?.rows[key], or = o?.rows[key], tr = t?.rows[key]
            let result: [String: String]?
            if rowEqual(or, tr, columns) { result = or }
            else if rowEqual(or, br, columns) { result = tr }
            else if rowEqual(tr, br, columns) { result = or }
            else if let or, let tr, !dataset.rowLevelMerge {
                var row: [String: String] = [:]
                for c in columns {
                    let bc = br?[c] ?? "", oc = or[c] ?? "", tc = tr[c] ?? ""
                    if oc == tc || tc == bc { row[c] = oc }
                    else if oc == bc { row[c] = tc }
                    else {
                        row[c] = oc
                        conflicts.append(CellConflict(key: key.description, field: c, ancestor: br?[c], ours: oc, theirs: tc))
                    }
                }
                result = row
            } else {
                // An edit against a deletion, or two edits of a row under row-level strictness.
                result = or
                conflicts.append(CellConflict(key: key.description, field: "", ancestor: br.map { render($0, columns) },
                                              ours: or.map { render($0, columns) }, theirs: tr.map { render($0, columns) }))
            }
            if let result {
                merged.keys.append(key)
                merged.rows[key] = result
            }
        }
        // The file keeps the local value: deleted locally stays deleted, the central edits recorded.
        if o == nil && merged.keys.isEmpty { return FileMerge(bytes: nil, conflicts: conflicts) }
        return FileMerge(bytes: merged.bytes(), conflicts: conflicts)
    }

    static func rowEqual(_ a: [String: String]?, _ b: [String: String]?, _ columns: [String]) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return columns.allSatisfy { (x[$0] ?? "") == (y[$0] ?? "") }
        default: return false
        }
    }

    /// A row as one CSV line, for row-level conflicts.
    public static func render(_ row: [String: String], _ columns: [String]) -> String {
        let bytes = CSV.write(header: [], rows: [columns.map { row[$0] ?? "" }])
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Why a choice could not be applied to a table.
    public enum ResolveProblem: Error, Sendable, Equatable {
        /// The file cannot be keyed (a duplicate key, a key column missing, a malformed line).
        case unreadable
        /// The conflict's row is no longer in the file.
        case rowGone
        /// A row given as a value does not fit the table: its cell count, or key cells that are not the row's.
        case badRow(String)
    }

    /// Applies a person's choice to one conflict of a merged table: the row's cell, or the whole row, gets
    /// `value` (nil deletes the row). A whole row is given with every column or with the non-key columns
    /// only; its key columns always stay the conflict's key. A file that was absent and gains no row stays
    /// absent (nil). A file that cannot be read is refused, never rewritten as an empty table.
    public static func resolve(_ bytes: [UInt8]?, dataset: Dataset, conflict: CellConflict, value: String?) throws(ResolveProblem) -> [UInt8]? {
        let schema = dataset.schema
        var table: RecordTable
        if let bytes {
            guard let t = RecordTable(bytes: bytes, schema: schema) else { throw .unreadable }
            table = t
        } else {
            table = RecordTable(columns: schema.fields.map(\.name))
        }
        let keyValues = conflict.key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard keyValues.count == schema.primaryKey.count else { throw .badRow("the key '\(conflict.key)' does not name a row") }
        let key = RecordKey(keyValues)
        let keyOf = Dictionary(uniqueKeysWithValues: zip(schema.primaryKey, keyValues))
        if conflict.field.isEmpty {
            if let value {
                let fields = CSV.parse(Array(("h\n" + value + "\n").utf8)).rows.first?.fields ?? [""]
                let others = table.columns.filter { keyOf[$0] == nil }
                var row: [String: String] = keyOf
                if fields.count == table.columns.count {
                    for (c, v) in zip(table.columns, fields) {
                        if let k = keyOf[c], k != v {
                            throw .badRow("the value has \(c)=\(v), but the row's key has \(c)=\(k)")
                        }
                        row[c] = v
                    }
                } else if fields.count == others.count {
                    for (c, v) in zip(others, fields) { row[c] = v }
                } else {
                    throw .badRow("the value has \(fields.count) cell(s); give \(others.count) (\(others.joined(separator: ","))) or all \(table.columns.count)")
                }
                if table.rows[key] == nil { table.keys.append(key) }
                table.rows[key] = row
            } else {
                table.keys.removeAll { $0 == key }
                table.rows[key] = nil
            }
        } else {
            guard table.rows[key] != nil else { throw .rowGone }
            table.rows[key]?[conflict.field] = value ?? ""
        }
        if bytes == nil && table.keys.isEmpty { return nil }
        return table.bytes()
    }
}
