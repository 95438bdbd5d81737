import CLibGit2

/// A failed libgit2 call: the return code, libgit2's error class and message read from `git_error_last`
/// on the same thread, and the name of the call that failed.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// libgit2's return codes that callers act on; anything else stays `.generic` with its raw value.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let generic = Code(rawValue: -1)
        public static let notFound = Code(rawValue: GIT_ENOTFOUND.rawValue)
        public static let exists = Code(rawValue: GIT_EEXISTS.rawValue)
        public static let unbornBranch = Code(rawValue: GIT_EUNBORNBRANCH.rawValue)
        public static let nonFastForward = Code(rawValue: GIT_ENONFASTFORWARD.rawValue)
        public static let conflict = Code(rawValue: GIT_ECONFLICT.rawValue)
        public static let locked = Code(rawValue: GIT_ELOCKED.rawValue)
        public static let modified = Code(rawValue: GIT_EMODIFIED.rawValue)
        public static let auth = Code(rawValue: GIT_EAUTH.rawValue)
        public static let certificate = Code(rawValue: GIT_ECERTIFICATE.rawValue)
        public static let user = Code(rawValue: GIT_EUSER.rawValue)
        public static let owner = Code(rawValue: GIT_EOWNER.rawValue)
        /// Not a libgit2 code: the server refused a reference update (reported only through a callback).
        public static let pushRejected = Code(rawValue: -1001)
        /// Not a libgit2 code: the network operation ran past its deadline.
        public static let timeout = Code(rawValue: -1002)
        public var description: String { "\(rawValue)" }
    }

    public var code: Code
    /// libgit2's `git_error_t` class (GIT_ERROR_NET = 12, GIT_ERROR_SSH = 23, …), 0 when none was set.
    public var errorClass: Int32
    public var message: String
    /// The libgit2 function (or wrapper operation) that failed.
    public var function: String

    public init(code: Code, errorClass: Int32 = 0, message: String, function: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.function = function
    }

    public var description: String { "\(function): \(message) (code \(code.rawValue), class \(errorClass))" }

    /// True when the error says the remote could not be reached or the transfer broke off, as opposed to
    /// a refusal or a local failure.
    public var isNetwork: Bool {
        if code == .timeout { return true }
        if code == .auth || code == .certificate || code == .pushRejected { return false }
        return [GIT_ERROR_OS, GIT_ERROR_NET, GIT_ERROR_SSH, GIT_ERROR_HTTP].map { Int32($0.rawValue) }.contains(errorClass)
    }
}

extension GitError {
    /// True when the failure is this machine's, not the data's: a write the disk or the permissions refused,
    /// or a lock another process holds. Retrying later can succeed; the data is not to blame.
    public var isLocalFailure: Bool {
        code == .locked || [GIT_ERROR_OS, GIT_ERROR_FILESYSTEM, GIT_ERROR_NOMEMORY].map { Int32($0.rawValue) }.contains(errorClass)
    }
}

/// Checks a libgit2 return code and, on failure, reads `git_error_last()` at once on this thread.
@inline(__always)
@discardableResult
func check(_ rc: Int32, _ function: StaticString = #function) throws(GitError) -> Int32 {
    if rc >= 0 { return rc }
    throw lastError(rc, function: "\(function)")
}

func lastError(_ rc: Int32, function: String) -> GitError {
    var message = "unknown error"
    var klass: Int32 = 0
    if let e = git_error_last() {
        if let m = e.pointee.message { message = String(cString: m) }
        klass = e.pointee.klass
    }
    git_error_clear()
    return GitError(code: .init(rawValue: rc), errorClass: klass, message: message, function: function)
}
