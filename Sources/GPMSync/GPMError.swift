import Git

/// What a command failed with, carrying the SPEC's exit code and a bilingual message.
public struct GPMError: Error, CustomStringConvertible, Sendable {
    /// The SPEC's exit codes.
    public struct ExitCode: RawRepresentable, Hashable, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let invalid = ExitCode(rawValue: 1)
        public static let usage = ExitCode(rawValue: 2)
        public static let offline = ExitCode(rawValue: 3)
        public static let conflicts = ExitCode(rawValue: 4)
    }

    public var exitCode: ExitCode
    public var en: String
    public var tr: String

    public init(_ exitCode: ExitCode, en: String, tr: String) {
        self.exitCode = exitCode; self.en = en; self.tr = tr
    }

    public var description: String { en }

    /// Maps a libgit2 failure: unreachable → offline (3), refused → 1, anything else → internal (2).
    public static func from(_ e: GitError, doing what: String, whatTR: String) -> GPMError {
        if e.isNetwork {
            return GPMError(.offline, en: "\(what): the central repository could not be reached (\(e.message)); all work is kept locally",
                            tr: "\(whatTR): merkez depoya ulaşılamadı (\(e.message)); tüm çalışmalar yerelde saklanıyor")
        }
        if e.code == .certificate {
            // Not offline (exit 3 would make a daemon wait for a server that will never be trusted).
            return GPMError(.invalid, en: "\(what): the identity of the central repository could not be verified: \(e.message)",
                            tr: "\(whatTR): merkez deponun kimliği doğrulanamadı: \(e.message)")
        }
        if e.code == .pushRejected || e.code == .auth {
            return GPMError(.invalid, en: "\(what): refused by the central repository: \(e.message)",
                            tr: "\(whatTR): merkez depo reddetti: \(e.message)")
        }
        return GPMError(.usage, en: "\(what): \(e.message)", tr: "\(whatTR): \(e.message)")
    }
}
