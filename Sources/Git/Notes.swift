import CLibGit2

extension Repository {
    /// The note on `target` under `notesRef` (e.g. `refs/notes/gpmsync-review`), nil when there is none.
    public func note(on target: ObjectID, ref notesRef: String) throws(GitError) -> String? {
        var oid = target.raw
        return try withOwnedIfFound("git_note_read", create: { git_note_read(&$0, pointer, notesRef, &oid) },
                                    free: git_note_free) { String(cString: git_note_message($0)) }
    }

    /// Writes (or replaces) the note on `target`; returns the new notes commit.
    @discardableResult
    public func writeNote(_ text: String, on target: ObjectID, ref notesRef: String, author: Signature) throws(GitError) -> ObjectID {
        var now = author
        now.time = nil
        var oid = target.raw
        var out = git_oid()
        try withSignature(now) { sig throws(GitError) in
            try check(git_note_create(&out, pointer, notesRef, sig, sig, &oid, text, 1), "git_note_create")
        }
        return try reference(notesRef) ?? ObjectID(out)
    }
}
