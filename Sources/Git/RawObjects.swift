import CLibGit2

/// What kind of object an id names, as the object database stores it (not as a tree entry claims).
public enum ObjectKind: Sendable, Equatable { case commit, tree, blob, tag, other }

/// One entry of a tree object exactly as stored. A crafted tree may hold names that are not UTF-8 or that
/// contain `/`, and modes git would never write; the central's door must see those as they are, so nothing
/// here is decoded or normalised.
public struct RawTreeEntry: Sendable, Hashable {
    public var name: [UInt8]
    /// The mode as written in the tree (`git_tree_entry_filemode_raw`), e.g. 0o100644, 0o40000, 0o160000.
    public var mode: UInt32
    public var id: ObjectID
}

extension Repository {
    /// The stored kind and size of an object without reading its content; nil when the object is missing.
    public func objectHeader(_ id: ObjectID) throws(GitError) -> (kind: ObjectKind, size: Int)? {
        var size = 0
        var type = GIT_OBJECT_INVALID
        var oid = id.raw
        let rc = try withOwned("git_repository_odb", create: { git_repository_odb(&$0, pointer) }, free: git_odb_free) {
            git_odb_read_header(&size, &type, $0, &oid)
        }
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "git_odb_read_header")
        let kind: ObjectKind
        switch type {
        case GIT_OBJECT_COMMIT: kind = .commit
        case GIT_OBJECT_TREE: kind = .tree
        case GIT_OBJECT_BLOB: kind = .blob
        case GIT_OBJECT_TAG: kind = .tag
        default: kind = .other
        }
        return (kind, size)
    }

    /// The entries of one tree object (not recursive), in stored order.
    public func rawTreeEntries(_ treeID: ObjectID) throws(GitError) -> [RawTreeEntry] {
        try withTree(treeID) { tree in
            var result: [RawTreeEntry] = []
            let count = git_tree_entrycount(tree)
            result.reserveCapacity(count)
            for i in 0..<count {
                guard let entry = git_tree_entry_byindex(tree, i), let name = git_tree_entry_name(entry) else { continue }
                let bytes = UnsafeRawBufferPointer(start: name, count: strlen(name))
                result.append(RawTreeEntry(name: Array(bytes), mode: git_tree_entry_filemode_raw(entry).rawValue,
                                           id: ObjectID(git_tree_entry_id(entry))))
            }
            return result
        }
    }

    /// Every merge base of two commits (more than one in a criss-cross history), best first.
    public func mergeBases(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> [ObjectID] {
        var array = git_oidarray()
        var x = a.raw, y = b.raw
        let rc = git_merge_bases(&array, pointer, &x, &y)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return [] }
        try check(rc, "git_merge_bases")
        defer { git_oidarray_dispose(&array) }
        return (0..<array.count).map { ObjectID(array.ids[$0]) }
    }
}
