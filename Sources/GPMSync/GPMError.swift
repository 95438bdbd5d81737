import GPMCore
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
    /// What the library or the system said, as it said it (libgit2's message, errno's text): shown with
    /// `--verbose` and written to logs, never in place of the sentence above.
    public var detail: String?

    public init(_ exitCode: ExitCode, en: String, tr: String, detail: String? = nil) {
        self.exitCode = exitCode; self.en = en; self.tr = tr; self.detail = detail
    }

    public var description: String { en + (detail.map { " [\($0)]" } ?? "") }

    public var message: Message { Message(en: en, tr: tr) }

    /// Maps a libgit2 failure to a sentence that says what happened and what to do, keeping libgit2's own
    /// words as the detail: unreachable → offline (3), refused → 1, anything else → internal (2).
    public static func from(_ e: GitError, doing what: String, whatTR: String) -> GPMError {
        let detail = "\(e.function): \(e.message)"
        if e.isNetwork {
            return GPMError(.offline, en: "\(what): the central repository could not be reached; all work is kept on this computer and goes out at the next sync",
                            tr: "\(whatTR): merkez depoya ulaşılamadı; tüm çalışmalar bu bilgisayarda saklanıyor ve bir sonraki eşitlemede gönderilecek",
                            detail: detail)
        }
        if e.code == .auth {
            // The wrapper's reason names what to fix here (a token file readable by others, no key) and never
            // holds the secret itself.
            return GPMError(.invalid, en: "\(what): the central repository did not accept this computer's credentials (\(e.message)); ask GPM to check the key or token (gpmsync.sshKey, gpmsync.tokenFile)",
                            tr: "\(whatTR): merkez depo bu bilgisayarın kimlik bilgilerini kabul etmedi (\(e.message)); anahtarı veya erişim belirtecini (gpmsync.sshKey, gpmsync.tokenFile) GPM'ye kontrol ettirin",
                            detail: detail)
        }
        if e.code == .certificate {
            // Not offline (exit 3 would make a daemon wait for a server that will never be trusted); the
            // wrapper's reason says which check failed (authority, host name, dates).
            return GPMError(.invalid, en: "\(what): the central server's identity could not be verified (\(e.message)); ask GPM for its host key (gpmsync.knownHosts) or certificate authority (gpmsync.caFile)",
                            tr: "\(whatTR): merkez sunucunun kimliği doğrulanamadı (\(e.message)); sunucu anahtarını (gpmsync.knownHosts) veya sertifika yetkilisini (gpmsync.caFile) GPM'den isteyin",
                            detail: detail)
        }
        if e.code == .pushRejected {
            // The first line is libgit2's (the ref and git's reason), the rest what the server's hook said.
            let said = e.message.split(separator: "\n").dropFirst().map(String.init)
            func lines(_ language: Language) -> String {
                LanguageTag.fromCentral(said, language).map { "\n  " + $0 }.joined()
            }
            return GPMError(.invalid, en: "\(what): the central repository did not accept the submission; fix what it says and sync again" + lines(.en),
                            tr: "\(whatTR): merkez depo gönderimi kabul etmedi; bildirdiği sorunu düzeltip yeniden eşitleyin" + lines(.tr),
                            detail: detail)
        }
        return GPMError(.usage, en: "\(what): the repository's storage failed; nothing was lost. Run the command again with --verbose and send its output to GPM",
                        tr: "\(whatTR): deponun kayıt altyapısında bir hata oluştu; hiçbir şey kaybolmadı. Komutu --verbose ile yeniden çalıştırıp çıktısını GPM'ye gönderin",
                        detail: detail)
    }

    /// A failure that reached the command line untranslated, as a GPMError when it is one of the
    /// repository's (a libgit2 error no library code mapped); nil for anything else.
    public static func translating(_ error: Error) -> GPMError? {
        if let e = error as? GPMError { return e }
        guard let e = error as? GitError else { return nil }
        return GPMError(.usage, en: "the data repository could not be read or written. Run the command again with --verbose and send its output to GPM",
                        tr: "veri deposu okunamadı veya yazılamadı. Komutu --verbose ile yeniden çalıştırıp çıktısını GPM'ye gönderin",
                        detail: "\(e.function): \(e.message)")
    }
}
