import CLibGit2
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide libgit2 setup, done once before the first call.
enum Library {
    /// `git_libgit2_init` is reference counted and thread-safe; a lazy global makes the first use do it once.
    private static let initialised: Bool = {
        // A peer that closes the connection mid-write must give an error, not kill the process:
        // libgit2 writes to sockets (git://, http) without MSG_NOSIGNAL.
        signal(SIGPIPE, SIG_IGN)
        git_libgit2_init()
        // Our repositories are often created by one user and read by a service user (the server hook);
        // ownership is checked by the transport and access.csv, not by libgit2 1.5's safe.directory rule.
        _ = gpm_set_owner_validation(0)
        // Crash safety: objects and refs are fsynced before they become visible.
        _ = gpm_enable_fsync_gitdir(1)
        _ = gpm_enable_strict_object_creation(1)
        return true
    }()

    static func ensure() { _ = initialised }
}
