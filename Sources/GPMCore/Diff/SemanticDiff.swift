/// One model of a change between two snapshots of a data repository, rendered as text, JSON or HTML:
/// record files by row (primary key) and cell, good-practice documents by front-matter field and body line.
public struct SemanticDiff: Codable, Sendable, Equatable {
    public var files: [FileChange]

    public init(files: [FileChange]) { self.files = files.sorted { $0.path < $1.path } }

    public var isEmpty: Bool { files.isEmpty }

    /// Rows added, removed and changed over all files.
    public var counts: (added: Int, removed: Int, changed: Int) {
        files.reduce((0, 0, 0)) { acc, f in
            let r = f.rows ?? []
            return (acc.0 + r.filter { $0.kind == .added }.count, acc.1 + r.filter { $0.kind == .removed }.count,
                    acc.2 + r.filter { $0.kind == .changed }.count)
        }
    }
}

public struct FileChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case added, modified, deleted }
    public var path: String
    public var kind: Kind
    public var orgUnit: String?
    /// For record files: rows by primary key.
    public var rows: [RowChange]?
    /// For documents and YAML: front-matter fields that changed.
    public var fields: [CellChange]?
    /// For documents and other text: the changed body lines.
    public var lines: [LineChange]?
    /// Set, to the file's size in bytes, when it was too large to compare (over the 10 MiB a file may have).
    public var uncomparedSize: Int?
    /// How many of this file's changes a summarised diff leaves unlisted.
    public var unlisted: Int?
}

public struct RowChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case added, removed, changed }
    public var key: String
    public var kind: Kind
    public var cells: [CellChange]
}

public struct CellChange: Codable, Sendable, Equatable {
    public var field: String
    public var old: String?
    public var new: String?
    public init(field: String, old: String?, new: String?) { self.field = field; self.old = old; self.new = new }
}

public struct LineChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case added, removed }
    public var kind: Kind
    /// 1-based line in the new version (added) or the old one (removed).
    public var line: Int
    public var text: String
}

extension SemanticDiff {
    /// Compares two versions of each path. `package` gives the schemas of record files (nil: text diff).
    /// A file over the size a file may have is not read at all (central can send one of hundreds of MB):
    /// it is listed with its size.
    public static func between(old: FileSource?, new: FileSource?, paths: [String], package: DataPackage?) -> SemanticDiff {
        SemanticDiff(files: paths.compactMap { path in
            let o = old?.entry(at: path), n = new?.entry(at: path)
            if let size = [o?.size ?? 0, n?.size ?? 0].max(), size > Validator.maximumFileSize {
                var change = FileChange(path: path, kind: o == nil ? .added : n == nil ? .deleted : .modified,
                                        orgUnit: RepositoryPath(path).orgUnit)
                change.uncomparedSize = n?.size ?? o?.size
                return change
            }
            return fileChange(path: path, old: old?.bytes(at: path), new: new?.bytes(at: path), package: package)
        })
    }

    /// The same diff with at most `limit` changes listed per file, the rest counted in `unlisted`: what a
    /// person reads after a sync, where a whole new table would otherwise fill the terminal.
    public func summarised(limit: Int) -> SemanticDiff {
        SemanticDiff(files: files.map { f in
            var f = f
            var left = limit, hidden = 0
            func keep<T>(_ xs: [T]?) -> [T]? {
                guard let xs else { return nil }
                let shown = Array(xs.prefix(max(0, left)))
                left -= shown.count
                hidden += xs.count - shown.count
                return shown
            }
            f.rows = keep(f.rows)
            f.fields = keep(f.fields)
            f.lines = keep(f.lines)
            if hidden > 0 { f.unlisted = (f.unlisted ?? 0) + hidden }
            return f
        })
    }

    public static func fileChange(path: String, old: [UInt8]?, new: [UInt8]?, package: DataPackage?) -> FileChange? {
        guard old != new else { return nil }
        let kind: FileChange.Kind = old == nil ? .added : new == nil ? .deleted : .modified
        let location = RepositoryPath(path)
        var change = FileChange(path: path, kind: kind, orgUnit: location.orgUnit)
        switch location {
        case .record(_, let name, _):
            if let dataset = package?.dataset(named: name),
               let rows = rowChanges(old: old, new: new, schema: dataset.schema) {
                change.rows = rows
                return change
            }
        case .practice, .profile:
            let o = old.map { document(path, $0) }
            let n = new.map { document(path, $0) }
            change.fields = fieldChanges(old: o?.frontMatter ?? [:], new: n?.frontMatter ?? [:])
            change.lines = lineChanges(old: o?.body ?? "", new: n?.body ?? "", firstLine: n?.bodyFirstLine ?? 1, oldFirstLine: o?.bodyFirstLine ?? 1)
            return change
        default:
            break
        }
        change.lines = lineChanges(old: old.map { String(decoding: $0, as: UTF8.self) } ?? "",
                                   new: new.map { String(decoding: $0, as: UTF8.self) } ?? "", firstLine: 1, oldFirstLine: 1)
        return change
    }

    /// A profile is YAML without the `---` fences; read it as front matter.
    static func document(_ path: String, _ bytes: [UInt8]) -> PracticeDocument {
        let text = String(decoding: bytes, as: UTF8.self)
        return path.hasSuffix(".yaml") ? PracticeDocument(profile: text) : PracticeDocument(text: text)
    }

    static func rowChanges(old: [UInt8]?, new: [UInt8]?, schema: TableSchema, skippingCommonRows: Bool = true) -> [RowChange]? {
        var old = old, new = new
        if skippingCommonRows, let o = old, let n = new, let rest = withoutCommonRows(o, n) { (old, new) = rest }
        let empty = RecordTable(columns: schema.fields.map(\.name))
        guard let o = old.map({ RecordTable(bytes: $0, schema: schema) }) ?? empty,
              let n = new.map({ RecordTable(bytes: $0, schema: schema) }) ?? empty else { return nil }
        let columns = n.columns + o.columns.filter { !n.columns.contains($0) }
        var result: [RowChange] = []
        for key in n.keys {
            guard let nr = n.rows[key] else { continue }
            if let or = o.rows[key] {
                let cells = columns.compactMap { c -> CellChange? in
                    let a = or[c] ?? "", b = nr[c] ?? ""
                    return a == b ? nil : CellChange(field: c, old: a, new: b)
                }
                if !cells.isEmpty { result.append(RowChange(key: key.description, kind: .changed, cells: cells)) }
            } else {
                result.append(RowChange(key: key.description, kind: .added,
                                        cells: columns.compactMap { c in nr[c].map { CellChange(field: c, old: nil, new: $0) } }))
            }
        }
        for key in o.keys where n.rows[key] == nil {
            result.append(RowChange(key: key.description, kind: .removed,
                                    cells: columns.compactMap { c in o.rows[key]?[c].map { CellChange(field: c, old: $0, new: nil) } }))
        }
        return result
    }

    /// Both versions without the rows they share byte for byte (under the same header line), which are
    /// unchanged wherever they stand: a monthly table with one edited cell among a thousand rows is then
    /// keyed and compared on one row, not a thousand (the reviewers' queue diffs every contribution). Nil,
    /// and the whole files compared, when the headers differ, a file does not parse, or a row repeats
    /// (duplicate rows make the file unkeyable, and that must still show).
    static func withoutCommonRows(_ old: [UInt8], _ new: [UInt8]) -> (old: [UInt8], new: [UInt8])? {
        let o = CSV.Cells(old), n = CSV.Cells(new)
        guard o.problems.isEmpty, n.problems.isEmpty, o.rowCount > 1, n.rowCount > 1,
              old[o.rowBytes(0)] == new[n.rowBytes(0)] else { return nil }
        var inOld = Set<ArraySlice<UInt8>>(minimumCapacity: o.rowCount)
        for r in 1..<o.rowCount {
            guard inOld.insert(old[o.rowBytes(r)]).inserted else { return nil }
        }
        var inNew = Set<ArraySlice<UInt8>>(minimumCapacity: n.rowCount)
        var keptNew = Array(new[n.rowBytes(0)])
        for r in 1..<n.rowCount {
            let row = new[n.rowBytes(r)]
            guard inNew.insert(row).inserted else { return nil }
            if !inOld.contains(row) { keptNew += row }
        }
        var keptOld = Array(old[o.rowBytes(0)])
        for r in 1..<o.rowCount where !inNew.contains(old[o.rowBytes(r)]) { keptOld += old[o.rowBytes(r)] }
        // A last row without its line ending, kept before others, would join the next one.
        func terminated(_ bytes: [UInt8]) -> [UInt8] { bytes.last == UInt8(ascii: "\n") ? bytes : bytes + [UInt8(ascii: "\n")] }
        return (terminated(keptOld), terminated(keptNew))
    }

    static func fieldChanges(old: [String: YAMLValue], new: [String: YAMLValue]) -> [CellChange] {
        func flat(_ m: [String: YAMLValue]) -> [String: String] {
            var out: [String: String] = [:]
            for (path, value) in YAMLValue.mapping(m).scalars() { out[path] = out[path].map { $0 + ", " + value } ?? value }
            return out
        }
        let a = flat(old), b = flat(new)
        return Set(a.keys).union(b.keys).sorted().compactMap { k in
            a[k] == b[k] ? nil : CellChange(field: k, old: a[k], new: b[k])
        }
    }

    /// Lines removed and added, by longest common subsequence (bodies are short).
    static func lineChanges(old: String, new: String, firstLine: Int, oldFirstLine: Int) -> [LineChange] {
        let a = old.isEmpty ? [] : old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.isEmpty ? [] : new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if a.count * b.count > 4_000_000 {
            return a.enumerated().map { LineChange(kind: .removed, line: oldFirstLine + $0.offset, text: $0.element) }
                + b.enumerated().map { LineChange(kind: .added, line: firstLine + $0.offset, text: $0.element) }
        }
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [LineChange] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { i += 1; j += 1 }
            else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append(LineChange(kind: .removed, line: oldFirstLine + i, text: a[i])); i += 1
            } else {
                out.append(LineChange(kind: .added, line: firstLine + j, text: b[j])); j += 1
            }
        }
        return out
    }
}
