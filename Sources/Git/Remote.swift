import CLibGit2
import Foundation

/// How to authenticate to a remote. Secrets are read from files at the moment they are needed and never
/// appear in errors or logs.
public struct Credentials: Sendable {
    /// Private key file for ssh (its `.pub` beside it is optional).
    public var sshKeyFile: String?
    /// A file holding an https token; refused unless its mode is 0600.
    public var tokenFile: String?
    /// User name for https basic authentication with the token (forges accept any non-empty name).
    public var username: String?
    /// An OpenSSH known_hosts file to check ssh host keys against, in addition to libgit2's own check.
    public var knownHostsFile: String?
    /// PEM certificates of the authorities an https server's certificate must chain to; nil means the
    /// system's store (`/etc/ssl/certs/ca-certificates.crt`).
    public var caFile: String?

    public init(sshKeyFile: String? = nil, tokenFile: String? = nil, username: String? = nil, knownHostsFile: String? = nil,
                caFile: String? = nil) {
        self.sshKeyFile = sshKeyFile
        self.tokenFile = tokenFile
        self.username = username
        self.knownHostsFile = knownHostsFile
        self.caFile = caFile
    }
}

/// How far a fetch has come: objects received from the server and indexed, out of the total it announced.
public struct TransferProgress: Sendable, Equatable {
    public var receivedObjects: Int
    public var indexedObjects: Int
    public var totalObjects: Int
    public var receivedBytes: Int
    public var indexedDeltas: Int
    public var totalDeltas: Int
}

/// Options of one fetch or push.
public struct TransferOptions: Sendable {
    public var credentials: Credentials
    /// Past this instant the transfer is abandoned as soon as libgit2 calls back. libgit2 1.5 has no network
    /// timeout of its own, so a silent server must also be guarded by the caller (see `Deadline` in sync).
    public var deadline: ContinuousClock.Instant?
    /// Called with the server's side-band messages ("remote: …") and progress lines.
    public var onMessage: (@Sendable (String) -> Void)?
    /// Fetch only: local refs under the refspecs' destinations that the remote no longer has are deleted.
    public var prune = false
    /// Fetch only: called as objects arrive and are indexed (often: the caller decides how often to show it).
    public var onProgress: (@Sendable (TransferProgress) -> Void)?

    public init(credentials: Credentials = Credentials(), deadline: ContinuousClock.Instant? = nil,
                onMessage: (@Sendable (String) -> Void)? = nil, prune: Bool = false,
                onProgress: (@Sendable (TransferProgress) -> Void)? = nil) {
        self.credentials = credentials
        self.deadline = deadline
        self.onMessage = onMessage
        self.prune = prune
        self.onProgress = onProgress
    }
}

/// A reference update the server refused, with its reason (e.g. from a pre-receive hook).
public struct RejectedUpdate: Sendable, Equatable {
    public var reference: String
    public var reason: String
}

/// The state that C callbacks of one transfer share, reached through the payload pointer. Callbacks never
/// throw across C: they record here and return an error code, and the caller rethrows after the call.
final class TransferContext {
    let options: TransferOptions
    var credentialAttempts = 0
    var rejected: [RejectedUpdate] = []
    var serverMessages: [String] = []
    var failure: GitError?
    /// The host whose TLS certificate libgit2 found invalid, for the error the call then returns.
    var refusedCertificateHost: String?

    init(options: TransferOptions) { self.options = options }

    var pastDeadline: Bool {
        guard let d = options.deadline else { return false }
        return ContinuousClock.now >= d
    }

    /// Records a failure for the caller and tells libgit2 to stop.
    func fail(_ error: GitError) -> Int32 {
        if failure == nil { failure = error }
        git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), error.message)
        return error.code.rawValue < 0 ? error.code.rawValue : -1
    }

    /// The error of a libgit2 call that failed: what a callback recorded, else libgit2's own, with a TLS
    /// certificate's refusal put in words a person can act on.
    func error(_ rc: Int32, function: String) -> GitError {
        if let failure { return failure }
        var e = lastError(rc, function: function)
        if e.code == .certificate, let host = refusedCertificateHost {
            e.message = Self.certificateRefusal(host: host, libgit2Message: e.message)
        }
        return e
    }

    /// mbedTLS (libgit2 1.5 on Debian) says why in English after the flags: "the SSL certificate is invalid:
    /// 0x08 - The certificate is not correctly signed by the trusted CA".
    static func certificateRefusal(host: String, libgit2Message: String) -> String {
        let reason = libgit2Message.lowercased()
        let why: String
        if reason.contains("expired") || reason.contains("future") {
            why = "it has expired or is not valid yet"
        } else if reason.contains("common name") || reason.contains("expected cn") {
            why = "it names another host than \(host)"
        } else if reason.contains("trusted ca") || reason.contains("not trusted") {
            why = "it is not signed by an authority gpmsync trusts (gpmsync.caFile, or the system's store when it is not set)"
        } else {
            why = libgit2Message
        }
        return "the TLS certificate of \(host) was refused: \(why)"
    }

    func timedOut(_ function: String) -> Int32 {
        fail(GitError(code: .timeout, errorClass: Int32(GIT_ERROR_NET.rawValue),
                      message: "the central repository did not answer in time", function: function))
    }

    func message(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        serverMessages.append(trimmed)
        options.onMessage?(trimmed)
    }

    func callbacks() -> git_remote_callbacks {
        var cb = gpm_remote_callbacks_init()
        cb.payload = Unmanaged.passUnretained(self).toOpaque()
        cb.credentials = { out, url, usernameFromURL, allowed, payload in
            let ctx = Unmanaged<TransferContext>.fromOpaque(payload!).takeUnretainedValue()
            return ctx.acquireCredential(out, usernameFromURL.map { String(cString: $0) }, allowed)
        }
        cb.certificate_check = { cert, valid, host, payload in
            let ctx = Unmanaged<TransferContext>.fromOpaque(payload!).takeUnretainedValue()
            return ctx.checkCertificate(cert!, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        cb.sideband_progress = { text, length, payload in
            let ctx = Unmanaged<TransferContext>.fromOpaque(payload!).takeUnretainedValue()
            if let text, length > 0 {
                let s = String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self)
                s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).forEach { ctx.message(String($0)) }
            }
            return ctx.pastDeadline ? ctx.timedOut("sideband_progress") : 0
        }
        cb.transfer_progress = { stats, payload in
            let ctx = Unmanaged<TransferContext>.fromOpaque(payload!).takeUnretainedValue()
            if let report = ctx.options.onProgress, let s = stats?.pointee {
                report(TransferProgress(receivedObjects: Int(s.received_objects), indexedObjects: Int(s.indexed_objects),
                                        totalObjects: Int(s.total_objects), receivedBytes: s.received_bytes,
                                        indexedDeltas: Int(s.indexed_deltas), totalDeltas: Int(s.total_deltas)))
            }
            return ctx.pastDeadline ? ctx.timedOut("transfer_progress") : 0
        }
        cb.push_transfer_progress = { _, _, _, payload in
            let ctx = Unmanaged<TransferContext>.fromOpaque(payload!).takeUnretainedValue()
            return ctx.pastDeadline ? ctx.timedOut("push_transfer_progress") : 0
        }
        // libgit2 1.5 returns 0 from a push the server refused; the refusal arrives only here.
        cb.push_update_reference = { refname, status, payload in
            let ctx = Unmanaged<TransferContext>.fromOpaque(payload!).takeUnretainedValue()
            if let status {
                ctx.rejected.append(RejectedUpdate(reference: String(cString: refname!), reason: String(cString: status)))
            }
            return 0
        }
        return cb
    }

    private func acquireCredential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?,
                                   _ usernameFromURL: String?, _ allowed: UInt32) -> Int32 {
        // libgit2 calls again after the server refused what we gave: stop instead of looping.
        credentialAttempts += 1
        if credentialAttempts > 1 {
            return fail(GitError(code: .auth, errorClass: Int32(GIT_ERROR_NET.rawValue),
                                 message: "the central repository refused our credentials", function: "credentials"))
        }
        let creds = options.credentials
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0, let key = creds.sshKeyFile {
            let user = usernameFromURL ?? creds.username ?? "git"
            let pub = FileManager.default.fileExists(atPath: key + ".pub") ? key + ".pub" : nil
            return git_credential_ssh_key_new(out, user, pub, key, nil)
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let file = creds.tokenFile {
            do {
                let token = try readSecret(file)
                return git_credential_userpass_plaintext_new(out, usernameFromURL ?? creds.username ?? "gpmsync", token)
            } catch {
                return fail(error)
            }
        }
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, usernameFromURL ?? creds.username ?? "git")
        }
        return fail(GitError(code: .auth, errorClass: Int32(GIT_ERROR_NET.rawValue),
                             message: "no credentials configured for this kind of remote (set gpmsync.sshKey or gpmsync.tokenFile)",
                             function: "credentials"))
    }

    private func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        if cert.pointee.cert_type == GIT_CERT_X509 {
            if valid { return 0 }
            // libgit2 put its reason aside before calling us and restores it when we pass: `error` words it.
            refusedCertificateHost = host
            return GIT_PASSTHROUGH.rawValue
        }
        if cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2, let file = options.credentials.knownHostsFile {
            let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
            if hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey {
                let key = Data(bytes: raw, count: hostkey.hostkey_len)
                if KnownHosts(file: file).contains(host: host, key: key) { return 0 }
            }
            return fail(GitError(code: .certificate, errorClass: Int32(GIT_ERROR_SSH.rawValue),
                                 message: "the host key of \(host) is not in \(file)", function: "certificate_check"))
        }
        if valid { return 0 }
        return fail(GitError(code: .certificate, errorClass: Int32(GIT_ERROR_NET.rawValue),
                             message: "the certificate or host key of \(host) could not be verified", function: "certificate_check"))
    }
}

/// Reads a secret file (a token), refusing one that other users can read; the secret is never part of an error.
public func readSecret(_ path: String) throws(GitError) -> String {
    var st = stat()
    guard stat(path, &st) == 0 else {
        throw GitError(code: .auth, message: "the token file \(path) cannot be read", function: "credentials")
    }
    guard st.st_mode & 0o077 == 0 else {
        throw GitError(code: .auth, message: "the token file \(path) must have mode 0600", function: "credentials")
    }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw GitError(code: .auth, message: "the token file \(path) cannot be read", function: "credentials")
    }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// An OpenSSH known_hosts file: `host[,host…] keytype base64key` lines (hashed host names are not matched).
struct KnownHosts {
    var lines: [(hosts: [String], key: Data)] = []

    init(file: String) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let key = Data(base64Encoded: String(fields[2])) else { continue }
            lines.append((fields[0].split(separator: ",").map(String.init), key))
        }
    }

    func contains(host: String, key: Data) -> Bool {
        lines.contains { entry in
            entry.key == key && entry.hosts.contains { $0 == host || $0.hasPrefix("[\(host)]:") }
        }
    }
}

extension Repository {
    /// Fetches `refspecs` from `url`, updating the local refs they name.
    public func fetch(url: String, refspecs: [String], options: TransferOptions = TransferOptions()) throws(GitError) {
        try withRemote(url, options) { remote, context throws(GitError) in
            var fetchOptions = gpm_fetch_options_init()
            fetchOptions.callbacks = context.callbacks()
            fetchOptions.prune = options.prune ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
            fetchOptions.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            let rc = withStrArray(refspecs) { git_remote_fetch(remote, $0, &fetchOptions, "gpmsync fetch") }
            if rc < 0 { throw context.error(rc, function: "git_remote_fetch") }
        }
    }

    /// Pushes `refspecs` to `url`. A reference the server refused (a hook said no, not fast-forward) is an
    /// error carrying the server's reason and messages, although libgit2 itself reports success.
    @discardableResult
    public func push(url: String, refspecs: [String], options: TransferOptions = TransferOptions()) throws(GitError) -> [String] {
        try withRemote(url, options) { remote, context throws(GitError) in
            var pushOptions = gpm_push_options_init()
            pushOptions.callbacks = context.callbacks()
            let rc = withStrArray(refspecs) { git_remote_push(remote, $0, &pushOptions) }
            if rc < 0 {
                var error = context.error(rc, function: "git_remote_push")
                if !context.serverMessages.isEmpty, error.code != .timeout {
                    error.message += "\n" + context.serverMessages.joined(separator: "\n")
                }
                throw error
            }
            if let first = context.rejected.first {
                let messages = context.serverMessages.filter { !$0.hasPrefix("Total") && !$0.hasPrefix("Counting") }
                var text = "\(first.reference): \(first.reason)"
                if !messages.isEmpty { text += "\n" + messages.joined(separator: "\n") }
                // "failed to update ref" / "failed to lock": another push moved or held the ref between this
                // push's check and its update (receive-pack compares the old value under the lock). Like a
                // non-fast-forward, it is settled by fetching, merging and pushing again, not a refusal.
                let moved = ["non-fast-forward", "fetch first", "failed to update ref", "failed to lock", "cannot lock ref"]
                throw GitError(code: moved.contains(where: first.reason.contains) ? .nonFastForward : .pushRejected,
                               message: text, function: "git_remote_push")
            }
            return context.serverMessages
        }
    }

    /// The references a remote advertises (as `git ls-remote`).
    public func listRemote(url: String, options: TransferOptions = TransferOptions()) throws(GitError) -> [(name: String, id: ObjectID)] {
        try withRemote(url, options) { remote, context throws(GitError) in
            var callbacks = context.callbacks()
            let rc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil)
            if rc < 0 { throw context.error(rc, function: "git_remote_connect") }
            defer { git_remote_disconnect(remote) }
            var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
            var count = 0
            try check(git_remote_ls(&heads, &count, remote), "git_remote_ls")
            var result: [(String, ObjectID)] = []
            for i in 0..<count {
                guard let h = heads?[i]?.pointee else { continue }
                result.append((String(cString: h.name), ObjectID(h.oid)))
            }
            return result
        }
    }

    /// Runs `body` with an anonymous remote for `url` and the context its callbacks reach through their
    /// payload. The context outlives the remote: libgit2 keeps the callbacks (and so the payload pointer)
    /// from connect until the remote is freed, across `ls`, the transfer and `disconnect`.
    private func withRemote<R>(_ url: String, _ options: TransferOptions,
                               _ body: (OpaquePointer, TransferContext) throws(GitError) -> R) throws(GitError) -> R {
        if url.lowercased().hasPrefix("https://") { try Library.trustCertificates(from: options.credentials.caFile) }
        let context = TransferContext(options: options)
        // Runs after withOwned below has freed the remote.
        defer { withExtendedLifetime(context) {} }
        return try withOwned("git_remote_create_anonymous", create: { git_remote_create_anonymous(&$0, pointer, url) },
                             free: git_remote_free) { remote throws(GitError) in try body(remote, context) }
    }
}

func withStrArray<R>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) -> R) -> R {
    var cStrings = strings.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    return cStrings.withUnsafeMutableBufferPointer { buf in
        var array = git_strarray(strings: buf.baseAddress, count: buf.count)
        return body(&array)
    }
}
