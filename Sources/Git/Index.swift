import CLibGit2

/// A git index: the repository's staging area, or an in-memory one (merge results, built trees).
public final class Index {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_index_free(pointer) }

    /// An index that lives only in memory.
    public static func inMemory() throws(GitError) -> Index {
        Library.ensure()
        var out: OpaquePointer?
        try check(git_index_new(&out), "git_index_new")
        return Index(pointer: out!)
    }

    /// Stages exactly `paths` from the working tree: each is added, or removed when it is gone.
    public func stage(paths: [String], workingDirectory: String) throws(GitError) {
        for path in paths {
            var isDirectory = false
            if fileExists(workingDirectory + path, isDirectory: &isDirectory), !isDirectory {
                try check(git_index_add_bypath(pointer, path), "git_index_add_bypath")
            } else {
                let rc = git_index_remove_bypath(pointer, path)
                try check(rc, "git_index_remove_bypath")
            }
        }
    }

    /// `git add -A`: new and modified files added, deleted files removed (update-all stages deletions).
    public func addAll() throws(GitError) {
        let rc = withStrArray(["*"]) { spec -> Int32 in
            let added = git_index_add_all(pointer, spec, GIT_INDEX_ADD_DEFAULT.rawValue, nil, nil)
            return added < 0 ? added : git_index_update_all(pointer, spec, nil, nil)
        }
        try check(rc, "git_index_add_all")
    }

    public func add(path: String, id: ObjectID, mode: UInt32) throws(GitError) {
        var entry = git_index_entry()
        entry.mode = mode
        entry.id = id.raw
        let rc = path.withCString { p -> Int32 in
            entry.path = p
            return git_index_add(pointer, &entry)
        }
        try check(rc, "git_index_add")
    }

    public func remove(path: String) throws(GitError) {
        try check(git_index_remove(pointer, path, 0), "git_index_remove")
    }

    /// Re-reads the index from disk, dropping what was staged in memory.
    /// Re-reads the index file; without `force`, only when it changed on disk since it was read.
    public func reload(force: Bool = true) throws(GitError) {
        try check(git_index_read(pointer, force ? 1 : 0), "git_index_read")
    }

    public func write() throws(GitError) {
        try check(git_index_write(pointer), "git_index_write")
    }

    /// Replaces the index's content with a tree's (as `git read-tree`).
    public func read(tree treeID: ObjectID, in repository: Repository) throws(GitError) {
        try repository.withTree(treeID) { tree throws(GitError) in
            try check(git_index_read_tree(pointer, tree), "git_index_read_tree")
        }
    }

    public func writeTree(to repository: Repository) throws(GitError) -> ObjectID {
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, pointer, repository.pointer), "git_index_write_tree_to")
        return ObjectID(oid)
    }

    public var hasConflicts: Bool { git_index_has_conflicts(pointer) == 1 }

    /// Stage-0 entries by path.
    public func entries() -> [String: TreeEntry] {
        var result: [String: TreeEntry] = [:]
        for i in 0..<git_index_entrycount(pointer) {
            guard let e = git_index_get_byindex(pointer, i)?.pointee else { continue }
            let stage = (Int32(e.flags) & GIT_INDEX_ENTRY_STAGEMASK) >> GIT_INDEX_ENTRY_STAGESHIFT
            guard stage == 0 else { continue }
            result[String(cString: e.path)] = TreeEntry(id: ObjectID(e.id), mode: e.mode)
        }
        return result
    }

    /// Conflicted paths with the ancestor, ours and theirs blobs (nil where a side has none).
    public func conflicts() throws(GitError) -> [IndexConflict] {
        try withOwned("git_index_conflict_iterator_new", create: { git_index_conflict_iterator_new(&$0, pointer) },
                      free: git_index_conflict_iterator_free) { iterator throws(GitError) in
            var result: [IndexConflict] = []
            var a: UnsafePointer<git_index_entry>?, o: UnsafePointer<git_index_entry>?, t: UnsafePointer<git_index_entry>?
            while true {
                let rc = git_index_conflict_next(&a, &o, &t, iterator)
                if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
                try check(rc, "git_index_conflict_next")
                let path = String(cString: (a ?? o ?? t)!.pointee.path)
                result.append(IndexConflict(
                    path: path,
                    ancestor: a.map { TreeEntry(id: ObjectID($0.pointee.id), mode: $0.pointee.mode) },
                    ours: o.map { TreeEntry(id: ObjectID($0.pointee.id), mode: $0.pointee.mode) },
                    theirs: t.map { TreeEntry(id: ObjectID($0.pointee.id), mode: $0.pointee.mode) }))
            }
            return result
        }
    }
}

/// One conflicted path of a merge.
public struct IndexConflict: Sendable {
    public var path: String
    public var ancestor: TreeEntry?
    public var ours: TreeEntry?
    public var theirs: TreeEntry?
}

extension Repository {
    /// The repository's own index (its staging area).
    public func index() throws(GitError) -> Index {
        var out: OpaquePointer?
        try check(git_repository_index(&out, pointer), "git_repository_index")
        return Index(pointer: out!)
    }
}
