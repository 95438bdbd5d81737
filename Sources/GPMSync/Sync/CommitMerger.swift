import Foundation
import GPMCore
import Git

/// The record-aware merge of two commits. Paths are merged three-way from the two tree diffs against the
/// common ancestor; every path both sides changed is merged by meaning (a clean text merge of a CSV can
/// still be wrong): tables by primary key and cell, documents by front-matter field and body line (libgit2's
/// `git_merge_file`), GPM-owned files following central. `git_merge_commits` is not used here: it builds an
/// index of the whole tree, which at Marmara scale (thousands of files) costs more than all the rest.
public struct CommitMerger {
    let git: Repository

    public init(git: Repository) { self.git = git }

    public struct Result {
        /// Our tree, and what the merge changes in it.
        var ourTree: ObjectID
        var changes: [String: TreeEntry?]
        public var conflicts: [(path: String, conflict: CellConflict)]

        /// Writes the merged tree (only the changed paths are rewritten).
        public func write(_ git: Repository) throws -> ObjectID { try git.updateTree(ourTree, changes: changes) }
    }

    /// Merges `theirs` (central's side) into `ours` (the local side), against their common ancestor; in a
    /// criss-cross history (every sync merges both central's `main` and the municipality's own branch, so
    /// two merge bases are common) against a virtual ancestor built from all of them, as git's recursive
    /// and ort strategies do. Picking one base would show the other base's changes as edits of both sides:
    /// false conflicts, and a side's change silently undone.
    public func merge(ours: ObjectID, theirs: ObjectID) throws -> Result {
        let baseTree = try ancestorTree(ours, theirs, depth: 0)
        var result = try merge(base: baseTree, ours: try git.commit(ours).tree, theirs: try git.commit(theirs).tree, virtual: false)
        result.conflicts = result.conflicts.map { ($0.path, Self.withoutMarks($0.conflict)) }
        return result
    }

    /// The tree of the common ancestor of two commits: the merge base, or with several, a virtual ancestor
    /// (the bases merged pairwise, each pair against its own ancestor, recursively).
    public func ancestorTree(_ a: ObjectID, _ b: ObjectID, depth: Int = 0) throws -> ObjectID? {
        let bases = try git.mergeBases(a, b)
        guard let first = bases.first else { return nil }
        var tree = try git.commit(first).tree
        // Deep recursion is possible only in pathological histories; past the bound, the first base serves.
        guard bases.count > 1, depth < 4 else { return tree }
        for next in bases.dropFirst() {
            let inner = try ancestorTree(first, next, depth: depth + 1)
            tree = try merge(base: inner, ours: tree, theirs: try git.commit(next).tree, virtual: true).write(git)
        }
        return tree
    }

    /// Merges two trees against a base tree. `virtual`: the result is a virtual ancestor, where whatever the
    /// two sides disagree on is marked as unknown rather than decided (see `markDisagreement`).
    func merge(base baseTree: ObjectID?, ours ourTree: ObjectID, theirs theirTree: ObjectID, virtual: Bool) throws -> Result {
        func changes(_ to: ObjectID) throws -> [String: TreeEntry?] {
            var out: [String: TreeEntry?] = [:]
            for c in try git.diff(from: baseTree, to: to) {
                out[c.path] = .some(c.newID.map { TreeEntry(id: $0, mode: c.newMode) })
            }
            return out
        }
        let ourChanges = try changes(ourTree), theirChanges = try changes(theirTree)
        let package = try DataPackages.of(tree: theirTree, in: git)
        var result: [String: TreeEntry?] = [:]
        var conflicts: [(String, CellConflict)] = []
        for (path, t) in theirChanges.sorted(by: { $0.key < $1.key }) {
            guard let o = ourChanges[path] else { result[path] = .some(t); continue }
            guard o != t else { continue }
            let location = RepositoryPath(path)
            if location.isGPMOwned {
                result[path] = .some(t)
                continue
            }
            let b = try baseTree.flatMap { try git.entry(at: path, inTree: $0) }
            let bb = try b.map { try git.readBlob($0.id) }, ob = try o.map { try git.readBlob($0.id) }, tb = try t.map { try git.readBlob($0.id) }
            var file = try mergeContent(path: path, base: bb, ours: ob, theirs: tb, package: package)
            if virtual && !file.conflicts.isEmpty {
                var dataset: Dataset?
                if case .record(_, let name, _) = RepositoryPath(path) { dataset = package?.dataset(named: name) }
                file.bytes = dataset.flatMap { Self.markDisagreement(file, dataset: $0) }
                file.conflicts = []
            }
            let entry = try file.bytes.map { TreeEntry(id: try git.writeBlob($0), mode: o?.mode ?? t?.mode ?? 0o100644) }
            if entry != o { result[path] = .some(entry) }
            conflicts += file.conflicts.map { (path, $0) }
        }
        return Result(ourTree: ourTree, changes: result, conflicts: conflicts)
    }

    /// One file's three versions merged by meaning: a table by key and cell, a document by front-matter
    /// field and body line, anything else (or a version that cannot be read so) by lines.
    func mergeContent(path: String, base: [UInt8]?, ours local: [UInt8]?, theirs central: [UInt8]?, package: DataPackage?) throws -> FileMerge {
        var merged: FileMerge?
        switch RepositoryPath(path) {
        case .record(_, let name, _):
            if let dataset = package?.dataset(named: name) {
                merged = RecordMerge.merge(base: base, ours: local, theirs: central, dataset: dataset)
            }
        case .practice, .profile:
            merged = try DocumentMerge.merge(base: base, ours: local, theirs: central, yamlOnly: path.hasSuffix(".yaml"), lines: Self.lineMerge)
        default:
            break
        }
        return try merged ?? textMerge(base: base, local: local, central: central)
    }

    /// A value no side can hold. In a virtual ancestor, a cell the merge bases disagree on gets it, so the
    /// real merge sees both sides as changed from it: a true conflict stays a conflict, and a cell only one
    /// side changed since both bases still merges cleanly. (git keeps conflict markers in its virtual
    /// ancestor for the same reason.)
    static let unknownAncestor = "\u{1}gpmsync: the merge bases disagree"

    /// A table whose conflicting cells (and the value cells of conflicting rows) hold `unknownAncestor`;
    /// nil for a file that is not a table: it is left out of the virtual ancestor, as added on both sides.
    static func markDisagreement(_ merged: FileMerge, dataset: Dataset) -> [UInt8]? {
        guard let bytes = merged.bytes, var table = RecordTable(bytes: bytes, schema: dataset.schema) else { return nil }
        let keyColumns = dataset.schema.primaryKey
        for c in merged.conflicts {
            let values = c.key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let key = RecordKey(values)
            if table.rows[key] == nil {
                table.keys.append(key)
                table.rows[key] = Dictionary(uniqueKeysWithValues: zip(keyColumns, values))
            }
            for column in c.field.isEmpty ? table.columns.filter({ !keyColumns.contains($0) }) : [c.field] {
                table.rows[key]?[column] = unknownAncestor
            }
        }
        return table.bytes()
    }

    /// A conflict as a person reads it: an ancestor the bases disagreed on is shown as none.
    static func withoutMarks(_ c: CellConflict) -> CellConflict {
        guard c.ancestor?.contains(unknownAncestor) == true else { return c }
        var c = c
        c.ancestor = nil
        return c
    }

    /// libgit2's merge-file: the merged bytes, or nil when the sides do not merge cleanly.
    static func lineMerge(_ ancestor: [UInt8], _ ours: [UInt8], _ theirs: [UInt8]) throws -> [UInt8]? {
        let m = try mergeFile(ancestor: ancestor, ours: ours, theirs: theirs)
        return m.automergeable ? m.bytes : nil
    }

    /// Line-based merge; when it does not merge cleanly the local version is kept whole.
    func textMerge(base: [UInt8]?, local: [UInt8]?, central: [UInt8]?) throws -> FileMerge {
        if let local, let central {
            let m = try mergeFile(ancestor: base ?? [], ours: local, theirs: central)
            if m.automergeable { return FileMerge(bytes: m.bytes, conflicts: []) }
        }
        return FileMerge(bytes: local, conflicts: [CellConflict(
            key: "", field: "", ancestor: base.map { String(decoding: $0, as: UTF8.self) },
            ours: local.map { String(decoding: $0, as: UTF8.self) }, theirs: central.map { String(decoding: $0, as: UTF8.self) })])
    }
}
