import GPMCore
import Git

/// The files of one commit's tree, for validating what is (or would be) committed rather than the disk.
public final class TreeSource: FileSource, @unchecked Sendable {
    // A Repository is not thread-safe; a TreeSource is used on one thread at a time.
    let repository: Repository
    let entries: [String: TreeEntry]

    public init(repository: Repository, tree: ObjectID?) throws(GitError) {
        self.repository = repository
        self.entries = try tree.map { t throws(GitError) in try repository.treeEntries(t) } ?? [:]
    }

    init(repository: Repository, entries: [String: TreeEntry]) {
        self.repository = repository
        self.entries = entries
    }

    public func files() -> [FileEntry] {
        entries.map { path, e in
            FileEntry(path: path, size: e.isSymlink ? 0 : blobSize(e.id), isSymlink: e.isSymlink)
        }.sorted { $0.path < $1.path }
    }

    public func entry(at path: String) -> FileEntry? {
        guard let e = entries[path] else { return nil }
        return FileEntry(path: path, size: e.isSymlink ? 0 : blobSize(e.id), isSymlink: e.isSymlink)
    }

    public func bytes(at path: String) -> [UInt8]? {
        guard let e = entries[path], !e.isSymlink else { return nil }
        return try? repository.readBlob(e.id)
    }

    private func blobSize(_ id: ObjectID) -> Int { (try? repository.blobSize(id)) ?? 0 }
}
