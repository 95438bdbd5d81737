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
        return try withOwned("git_status_list_new", create: { git_status_list_new(&$0, pointer, &options) },
                             free: git_status_list_free) { list in Self.changes(list) }
    }

    private static func changes(_ list: OpaquePointer) -> [WorkingTreeChange] {
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
    /// from the index (a local edit is never overwritten; such files are reported back). `progress` is told
    /// the files done and the total as libgit2 goes. `filters: false` writes blobs as stored, without
    /// looking up each path's attributes (a `realpath` per file in libgit2 1.5): for callers that know no
    /// filter applies.
    public func checkout(tree treeID: ObjectID, force: Bool = false, filters: Bool = true,
                         progress: ((_ completed: Int, _ total: Int) -> Void)? = nil) throws(GitError) {
        final class Progress {
            let report: (Int, Int) -> Void
            init(_ report: @escaping (Int, Int) -> Void) { self.report = report }
        }
        try withTree(treeID) { tree throws(GitError) in
            var options = gpm_checkout_options_init()
            options.checkout_strategy = force
                ? GIT_CHECKOUT_FORCE.rawValue
                : GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_ALLOW_CONFLICTS.rawValue
            options.disable_filters = filters ? 0 : 1
            let box = progress.map(Progress.init)
            defer { withExtendedLifetime(box) {} }
            if let box {
                options.progress_payload = Unmanaged.passUnretained(box).toOpaque()
                options.progress_cb = { _, completed, total, payload in
                    Unmanaged<Progress>.fromOpaque(payload!).takeUnretainedValue().report(completed, total)
                }
            }
            try check(git_checkout_tree(pointer, tree, &options), "git_checkout_tree")
        }
    }
}
