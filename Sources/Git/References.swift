import CLibGit2

extension Repository {
    /// The commit a reference points at (peeled through symbolic refs), nil when it does not exist.
    public func reference(_ name: String) throws(GitError) -> ObjectID? {
        var out = git_oid()
        let rc = git_reference_name_to_id(&out, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue { git_error_clear(); return nil }
        try check(rc, "git_reference_name_to_id")
        return ObjectID(out)
    }

    /// Moves (or creates) `name` to `id` only if it currently points at `expected` (absent when nil):
    /// a compare-and-swap on the ref, so two writers never overwrite each other silently.
    public func updateReference(_ name: String, to id: ObjectID, expecting expected: ObjectID?, message: String) throws(GitError) {
        var ref: OpaquePointer?
        var target = id.raw
        let rc: Int32
        if var old = expected?.raw {
            rc = git_reference_create_matching(&ref, pointer, name, &target, 1, &old, message)
        } else {
            rc = git_reference_create(&ref, pointer, name, &target, 0, message)
        }
        if rc == GIT_EEXISTS.rawValue || rc == GIT_EMODIFIED.rawValue {
            let e = lastError(rc, function: "git_reference_create")
            throw GitError(code: .modified, errorClass: e.errorClass,
                           message: "\(name) moved meanwhile: \(e.message)", function: e.function)
        }
        try check(rc, "git_reference_create")
        git_reference_free(ref)
    }

    /// Points `name` at `id` whatever it pointed at before (for remote-tracking refs).
    public func setReference(_ name: String, to id: ObjectID, message: String) throws(GitError) {
        var ref: OpaquePointer?
        var target = id.raw
        try check(git_reference_create(&ref, pointer, name, &target, 1, message), "git_reference_create")
        git_reference_free(ref)
    }

    public func deleteReference(_ name: String) throws(GitError) {
        var ref: OpaquePointer?
        let rc = git_reference_lookup(&ref, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return }
        try check(rc, "git_reference_lookup")
        defer { git_reference_free(ref) }
        try check(git_reference_delete(ref), "git_reference_delete")
    }

    /// All references matching a glob such as `refs/heads/contrib/*`, with their targets.
    public func references(matching glob: String) throws(GitError) -> [(name: String, id: ObjectID)] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, pointer, glob), "git_reference_iterator_glob_new")
        defer { git_reference_iterator_free(iterator) }
        var result: [(String, ObjectID)] = []
        var ref: OpaquePointer?
        while true {
            let rc = git_reference_next(&ref, iterator)
            if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
            try check(rc, "git_reference_next")
            defer { git_reference_free(ref) }
            var resolved: OpaquePointer?
            guard git_reference_resolve(&resolved, ref) == 0, let target = git_reference_target(resolved) else {
                git_error_clear(); continue
            }
            result.append((String(cString: git_reference_name(ref)), ObjectID(target)))
            git_reference_free(resolved)
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// Makes HEAD a symbolic ref to `branch` (e.g. `refs/heads/main`), born or not.
    public func setHead(_ branch: String) throws(GitError) {
        try check(git_repository_set_head(pointer, branch), "git_repository_set_head")
    }

    /// The commit HEAD points at, nil on an unborn branch.
    public func headCommit() throws(GitError) -> ObjectID? { try reference("HEAD") }
}

extension Repository {
    /// The commit a revision names, by git's rules (`git rev-parse REV^{commit}`): `HEAD~1`, a short or full
    /// id, a branch, a tag (peeled to its commit), `central/main`. Nil when it names nothing, names
    /// something that is not a commit, or is ambiguous.
    public func commit(revision: String) throws(GitError) -> ObjectID? {
        var object: OpaquePointer?
        let rc = git_revparse_single(&object, pointer, revision)
        let unknown = [GIT_ENOTFOUND, GIT_EAMBIGUOUS, GIT_EINVALIDSPEC, GIT_EPEEL].map(\.rawValue)
        if unknown.contains(rc) { git_error_clear(); return nil }
        try check(rc, "git_revparse_single")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let peeled = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if unknown.contains(peeled) || peeled == GIT_EINVALID.rawValue { git_error_clear(); return nil }
        try check(peeled, "git_object_peel")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit)!.pointee)
    }
}
