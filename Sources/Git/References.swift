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
        var target = id.raw
        var old = expected?.raw ?? git_oid()
        do {
            try withOwned("git_reference_create", create: { ref in
                expected == nil ? git_reference_create(&ref, pointer, name, &target, 0, message)
                    : git_reference_create_matching(&ref, pointer, name, &target, 1, &old, message)
            }, free: git_reference_free) { _ in }
        } catch where error.code == .exists || error.code == .modified {
            throw GitError(code: .modified, errorClass: error.errorClass,
                           message: "\(name) moved meanwhile: \(error.message)", function: error.function)
        }
    }

    /// Points `name` at `id` whatever it pointed at before (for remote-tracking refs).
    public func setReference(_ name: String, to id: ObjectID, message: String) throws(GitError) {
        var target = id.raw
        try withOwned("git_reference_create", create: { git_reference_create(&$0, pointer, name, &target, 1, message) },
                      free: git_reference_free) { _ in }
    }

    public func deleteReference(_ name: String) throws(GitError) {
        try withOwnedIfFound("git_reference_lookup", create: { git_reference_lookup(&$0, pointer, name) },
                             free: git_reference_free) { ref throws(GitError) in
            try check(git_reference_delete(ref), "git_reference_delete")
        }
    }

    /// All references matching a glob such as `refs/heads/contrib/*`, with their targets. A reference that
    /// does not resolve to an object (a dangling symbolic ref) is left out.
    public func references(matching glob: String) throws(GitError) -> [(name: String, id: ObjectID)] {
        try withOwned("git_reference_iterator_glob_new", create: { git_reference_iterator_glob_new(&$0, pointer, glob) },
                      free: git_reference_iterator_free) { iterator throws(GitError) in
            var result: [(String, ObjectID)] = []
            while true {
                var ref: OpaquePointer?
                let rc = git_reference_next(&ref, iterator)
                if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
                try check(rc, "git_reference_next")
                defer { git_reference_free(ref) }
                var resolved: OpaquePointer?
                guard git_reference_resolve(&resolved, ref) == 0 else { git_error_clear(); continue }
                // Freed whether or not it has a target.
                defer { git_reference_free(resolved) }
                guard let target = git_reference_target(resolved) else { continue }
                result.append((String(cString: git_reference_name(ref)), ObjectID(target)))
            }
            return result.sorted { $0.0 < $1.0 }
        }
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
        let unknown = [GIT_ENOTFOUND, GIT_EAMBIGUOUS, GIT_EINVALIDSPEC, GIT_EPEEL, GIT_EINVALID].map(\.rawValue)
        // Any of `unknown` from either call means "names no commit": libgit2's error is cleared, nil returned.
        func orUnknown(_ rc: Int32) -> Int32 { unknown.contains(rc) ? GIT_ENOTFOUND.rawValue : rc }
        return try withOwnedIfFound("git_revparse_single", create: { orUnknown(git_revparse_single(&$0, pointer, revision)) },
                                    free: git_object_free) { object throws(GitError) in
            try withOwnedIfFound("git_object_peel", create: { orUnknown(git_object_peel(&$0, object, GIT_OBJECT_COMMIT)) },
                                 free: git_object_free) { ObjectID(git_object_id($0)!.pointee) }
        } ?? nil
    }
}
