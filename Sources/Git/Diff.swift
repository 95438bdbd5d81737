import CLibGit2

/// How a path changed between two trees.
public struct TreeChange: Sendable, Hashable {
    public enum Kind: String, Sendable { case added, deleted, modified }
    public var path: String
    public var kind: Kind
    public var oldID: ObjectID?
    public var newID: ObjectID?
    /// The new side's file mode (0 when deleted).
    public var newMode: UInt32 = 0
}

extension Repository {
    /// The blobs that differ between two trees (nil for the empty tree), without rename detection:
    /// a record file is identified by its path.
    public func diff(from old: ObjectID?, to new: ObjectID?) throws(GitError) -> [TreeChange] {
        // The empty tree is a nil tree for libgit2.
        func withOptionalTree<R>(_ id: ObjectID?, _ body: (OpaquePointer?) throws(GitError) -> R) throws(GitError) -> R {
            guard let id else { return try body(nil) }
            return try withTree(id) { tree throws(GitError) in try body(tree) }
        }
        return try withOptionalTree(old) { a throws(GitError) in
            try withOptionalTree(new) { b throws(GitError) in
                var options = gpm_diff_options_init()
                options.flags = GIT_DIFF_NORMAL.rawValue
                return try withOwned("git_diff_tree_to_tree", create: { git_diff_tree_to_tree(&$0, pointer, a, b, &options) },
                                     free: git_diff_free, changes)
            }
        }
    }

    private func changes(_ diff: OpaquePointer) -> [TreeChange] {
        var result: [TreeChange] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let d = git_diff_get_delta(diff, i)?.pointee else { continue }
            let kind: TreeChange.Kind
            switch d.status {
            case GIT_DELTA_ADDED: kind = .added
            case GIT_DELTA_DELETED: kind = .deleted
            default: kind = .modified
            }
            let oldID = ObjectID(d.old_file.id), newID = ObjectID(d.new_file.id)
            result.append(TreeChange(
                path: String(cString: (kind == .deleted ? d.old_file.path : d.new_file.path)!),
                kind: kind,
                oldID: oldID.isZero ? nil : oldID,
                newID: newID.isZero ? nil : newID,
                newMode: UInt32(d.new_file.mode)))
        }
        return result
    }
}
