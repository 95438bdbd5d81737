import CLibGit2
import Foundation

/// Process-wide libgit2 setup, done once before the first call. Signal dispositions are the executable's
/// business, not the library's: `gpmsync` ignores SIGPIPE at its start (libgit2 writes to sockets without
/// MSG_NOSIGNAL), a test runner or another program linking this module decides for itself.
enum Library {
    /// `git_libgit2_init` is reference counted and thread-safe; a lazy global makes the first use do it once.
    private static let initialised: Bool = {
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

    /// The bundle of the system's certificate store on Debian, which libgit2 loads at start.
    static let systemCertificates = "/etc/ssl/certs/ca-certificates.crt"

    private static let trustLock = NSLock()
    nonisolated(unsafe) private static var trusted: String?

    /// Makes https transfers trust exactly the authorities in `file` (gpmsync.caFile), or the system's store
    /// when nil. The trust store is process-wide in libgit2 (mbedTLS replaces it on each call), so it is set
    /// before each https transfer and only when it changes.
    static func trustCertificates(from file: String?) throws(GitError) {
        ensure()
        let wanted = file ?? systemCertificates
        trustLock.lock()
        defer { trustLock.unlock() }
        guard trusted != wanted else { return }
        if file == nil && !FileManager.default.fileExists(atPath: wanted) { return }
        let rc = gpm_set_ssl_cert_file(wanted)
        if rc < 0 {
            let e = lastError(rc, function: "git_libgit2_opts")
            throw GitError(code: .certificate, errorClass: e.errorClass,
                           message: "the certificates in \(wanted) cannot be read: \(e.message)", function: e.function)
        }
        trusted = wanted
    }
}
