import CLibGit2

extension Repository {
    /// The note on `target` under `notesRef` (e.g. `refs/notes/gpmsync-review`), nil when there is none.
    public func note(on target: ObjectID, ref notesRef: String) throws(GitError) -> String? {
        var note: OpaquePointer?
        var oid = target.raw
        let rc = git_note_read(&note, pointer, notesRef, &oid)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "git_note_read")
        defer { git_note_free(note) }
        return String(cString: git_note_message(note))
    }

    /// Writes (or replaces) the note on `target`; returns the new notes commit.
    @discardableResult
    public func writeNote(_ text: String, on target: ObjectID, ref notesRef: String, author: Signature) throws(GitError) -> ObjectID {
        var sig: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&sig, author.name, author.email), "git_signature_now")
        defer { git_signature_free(sig) }
        var oid = target.raw
        var out = git_oid()
        try check(git_note_create(&out, pointer, notesRef, sig, sig, &oid, text, 1), "git_note_create")
        return try reference(notesRef) ?? ObjectID(out)
    }
}
