import CLibGit2

/// A repository's configuration (all levels for reading; the repository's own file for writing).
public final class Config {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_config_free(pointer) }

    public func string(_ key: String) throws(GitError) -> String? {
        var buf = git_buf()
        let rc = git_config_get_string_buf(&buf, pointer, key)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "git_config_get_string_buf")
        defer { git_buf_dispose(&buf) }
        return String(cString: buf.ptr)
    }

    public func set(_ key: String, _ value: String) throws(GitError) {
        try check(git_config_set_string(pointer, key, value), "git_config_set_string")
    }

    public func remove(_ key: String) throws(GitError) {
        let rc = git_config_delete_entry(pointer, key)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return }
        try check(rc, "git_config_delete_entry")
    }
}
