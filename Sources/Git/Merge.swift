import CLibGit2

/// The result of a three-way text merge of one file.
public struct FileMergeResult: Sendable {
    /// False when the result holds conflict markers.
    public var automergeable: Bool
    public var bytes: [UInt8]
}

extension Repository {
    /// Merges two commits into an in-memory index (nothing on disk changes); conflicts stay in the index.
    public func mergeCommits(ours: ObjectID, theirs: ObjectID) throws(GitError) -> Index {
        try withCommit(ours) { a throws(GitError) in
            try withCommit(theirs) { b throws(GitError) in
                var options = gpm_merge_options_init()
                options.flags = 0
                var out: OpaquePointer?
                try check(git_merge_commits(&out, pointer, a, b, &options), "git_merge_commits")
                return Index(pointer: out!)
            }
        }
    }
}

/// libgit2's line-based three-way merge of file contents (`git merge-file`), no repository needed.
public func mergeFile(ancestor: [UInt8], ours: [UInt8], theirs: [UInt8],
                      labels: (ours: String, theirs: String) = ("local", "central")) throws(GitError) -> FileMergeResult {
    Library.ensure()
    var result = git_merge_file_result()
    var options = gpm_merge_file_options_init()
    let rc: Int32 = ancestor.withUnsafeBufferPointer { ab in
        ours.withUnsafeBufferPointer { ob in
            theirs.withUnsafeBufferPointer { tb in
                labels.ours.withCString { ol in
                    labels.theirs.withCString { tl in
                        var ai = gpm_merge_file_input_init(), oi = gpm_merge_file_input_init(), ti = gpm_merge_file_input_init()
                        ab.baseAddress.map { ai.ptr = UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                        ai.size = ab.count
                        ob.baseAddress.map { oi.ptr = UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                        oi.size = ob.count
                        tb.baseAddress.map { ti.ptr = UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                        ti.size = tb.count
                        options.our_label = ol
                        options.their_label = tl
                        return git_merge_file(&result, &ai, &oi, &ti, &options)
                    }
                }
            }
        }
    }
    try check(rc, "git_merge_file")
    defer { git_merge_file_result_free(&result) }
    let bytes = result.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: result.len)) } ?? []
    return FileMergeResult(automergeable: result.automergeable == 1, bytes: bytes)
}
