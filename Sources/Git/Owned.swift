import CLibGit2

/// "Look up, use, free" in one place. `create` fills in a libgit2 pointer; `body` uses it; `free` releases it
/// whatever `body` does (returns or throws). The pointer never escapes `body`: whoever needs it longer wraps
/// it in a class that frees it in `deinit` (`Repository`, `Index`, `Config`).
@inline(__always)
func withOwned<P, R>(_ function: StaticString, create: (inout P?) -> Int32, free: (P) -> Void,
                     _ body: (P) throws(GitError) -> R) throws(GitError) -> R {
    var object: P?
    let rc = create(&object)
    try check(rc, function)
    guard let owned = object else {
        throw GitError(code: .generic, message: "\(function) returned no object", function: "\(function)")
    }
    defer { free(owned) }
    return try body(owned)
}

/// As `withOwned`, for a lookup whose "not found" is an answer: nil, with libgit2's error cleared.
@inline(__always)
func withOwnedIfFound<P, R>(_ function: StaticString, create: (inout P?) -> Int32, free: (P) -> Void,
                            _ body: (P) throws(GitError) -> R) throws(GitError) -> R? {
    var object: P?
    let rc = create(&object)
    if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
    try check(rc, function)
    guard let owned = object else { return nil }
    defer { free(owned) }
    return try body(owned)
}

extension Repository {
    /// Runs `body` with the tree `id`, freed afterwards.
    func withTree<R>(_ id: ObjectID, _ body: (OpaquePointer) throws(GitError) -> R) throws(GitError) -> R {
        var oid = id.raw
        return try withOwned("git_tree_lookup", create: { git_tree_lookup(&$0, pointer, &oid) }, free: git_tree_free, body)
    }

    /// Runs `body` with the commit `id`, freed afterwards.
    func withCommit<R>(_ id: ObjectID, _ body: (OpaquePointer) throws(GitError) -> R) throws(GitError) -> R {
        var oid = id.raw
        return try withOwned("git_commit_lookup", create: { git_commit_lookup(&$0, pointer, &oid) }, free: git_commit_free, body)
    }

    /// Runs `body` with the blob `id`, freed afterwards.
    func withBlob<R>(_ id: ObjectID, _ body: (OpaquePointer) throws(GitError) -> R) throws(GitError) -> R {
        var oid = id.raw
        return try withOwned("git_blob_lookup", create: { git_blob_lookup(&$0, pointer, &oid) }, free: git_blob_free, body)
    }

    /// Runs `body` with the entry at `path` of `tree` (nil when the path is absent), freed afterwards.
    func withTreeEntry<R>(_ path: String, in tree: OpaquePointer,
                          _ body: (OpaquePointer) throws(GitError) -> R) throws(GitError) -> R? {
        try withOwnedIfFound("git_tree_entry_bypath", create: { git_tree_entry_bypath(&$0, tree, path) },
                             free: git_tree_entry_free, body)
    }
}
