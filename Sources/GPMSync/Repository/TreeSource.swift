import Synchronization
import GPMCore
import Git

/// The files of one commit's tree, for validating what is (or would be) committed rather than the disk.
public final class TreeSource: FileSource, @unchecked Sendable { // @unchecked: every read is `serialized`.
    // A Repository is not thread-safe: reads take turns on it (`Repository.serialized`, shared by every
    // source of the same repository), so workers (an export's periods, a validation's series) can share
    // sources; libgit2's part of a read is small beside theirs.
    let repository: Repository
    /// The commit's tree, read path by path; or the entries of a tree that exists only in memory.
    let tree: ObjectID?
    private var loaded: [String: TreeEntry]?

    public init(repository: Repository, tree: ObjectID?) throws(GitError) {
        self.repository = repository
        self.tree = tree
        self.loaded = tree == nil ? [:] : nil
    }

    init(repository: Repository, entries: [String: TreeEntry]) {
        self.repository = repository
        self.tree = nil
        self.loaded = entries
    }

    /// Every entry; read from the tree on first use only (a whole tree at Marmara scale is thousands).
    var entries: [String: TreeEntry] { repository.serialized { loadedEntries() } }

    private func loadedEntries() -> [String: TreeEntry] {
        if let loaded { return loaded }
        let all = (try? repository.treeEntries(tree!)) ?? [:]
        loaded = all
        return all
    }

    private func lookup(_ path: String) -> TreeEntry? {
        if let loaded { return loaded[path] }
        return (try? repository.entry(at: path, inTree: tree!)) ?? nil
    }

    public func files() -> [FileEntry] {
        repository.serialized {
            loadedEntries().map { path, e in
                FileEntry(path: path, size: e.isSymlink ? 0 : blobSize(e.id), isSymlink: e.isSymlink)
            }
        }.sorted { $0.path < $1.path }
    }

    public func entry(at path: String) -> FileEntry? {
        repository.serialized {
            guard let e = lookup(path) else { return nil }
            return FileEntry(path: path, size: e.isSymlink ? 0 : blobSize(e.id), isSymlink: e.isSymlink)
        }
    }

    public func bytes(at path: String) -> [UInt8]? {
        repository.serialized {
            guard let e = lookup(path), !e.isSymlink else { return nil }
            return try? repository.readBlob(e.id)
        }
    }

    private func blobSize(_ id: ObjectID) -> Int { (try? repository.blobSize(id)) ?? 0 }
}

/// Data packages read from trees, by the id of their `datapackage.json` blob: one sync merges several
/// times against the same schema, and parsing it each time cost more than merging a one-file change.
enum DataPackages {
    private static let cache = Mutex<[ObjectID: DataPackage]>([:])

    static func of(tree: ObjectID, in git: Repository) throws -> DataPackage? {
        guard let entry = try git.entry(at: "datapackage.json", inTree: tree) else { return nil }
        if let known = cache.withLock({ $0[entry.id] }) { return known }
        guard let package = try? DataPackage(json: try git.readBlob(entry.id)) else { return nil }
        cache.withLock { known in
            if known.count >= 8 { known.removeAll() }
            known[entry.id] = package
        }
        return package
    }
}
