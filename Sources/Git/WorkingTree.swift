import CLibGit2

/// A path that differs between HEAD, the index and the working tree.
public struct WorkingTreeChange: Sendable, Hashable {
    public enum Kind: String, Sendable { case added, modified, deleted }
    public var path: String
    public var kind: Kind
    public init(path: String, kind: Kind) { self.path = path; self.kind = kind }
}

extension Repository {
    /// What `git status` would list, untracked files included (one by one, not as folders); ignored files left out.
    /// Files that differ from the index or HEAD. `againstIndexOnly` skips comparing HEAD with the index,
    /// which reads every tree of HEAD: callers that know the index matches HEAD pass it.
    public func workingTreeChanges(againstIndexOnly: Bool = false) throws(GitError) -> [WorkingTreeChange] {
        var options = gpm_status_options_init()
        options.show = againstIndexOnly ? GIT_STATUS_SHOW_WORKDIR_ONLY : GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try check(git_status_list_new(&list, pointer, &options), "git_status_list_new")
        defer { git_status_list_free(list) }
        var result: [WorkingTreeChange] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let e = git_status_byindex(list, i)?.pointee else { continue }
            let s = e.status.rawValue
            let delta = e.index_to_workdir ?? e.head_to_index
            guard let d = delta?.pointee else { continue }
            let path = String(cString: (d.new_file.path ?? d.old_file.path)!)
            let kind: WorkingTreeChange.Kind
            if s & GIT_STATUS_WT_DELETED.rawValue != 0 || (e.index_to_workdir == nil && s & GIT_STATUS_INDEX_DELETED.rawValue != 0) {
                kind = .deleted
            } else if s & (GIT_STATUS_WT_NEW.rawValue | GIT_STATUS_INDEX_NEW.rawValue) != 0 {
                kind = .added
            } else {
                kind = .modified
            }
            result.append(WorkingTreeChange(path: path, kind: kind))
        }
        return result
    }

    /// Brings the working tree and index to `tree`, leaving alone any file whose local content differs
    /// from the index (a local edit is never overwritten; such files are reported back).
    public func checkout(tree treeID: ObjectID, force: Bool = false) throws(GitError) {
        var tree: OpaquePointer?
        var oid = treeID.raw
        try check(git_object_lookup(&tree, pointer, &oid, GIT_OBJECT_TREE), "git_object_lookup")
        defer { git_object_free(tree) }
        var options = gpm_checkout_options_init()
        options.checkout_strategy = force
            ? GIT_CHECKOUT_FORCE.rawValue
            : GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_ALLOW_CONFLICTS.rawValue
        try check(git_checkout_tree(pointer, tree, &options), "git_checkout_tree")
    }
}
