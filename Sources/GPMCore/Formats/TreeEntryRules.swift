/// What the SPEC's "Untrusted input" allows in one folder of a data repository, as git stores it: names
/// that are UTF-8, not empty, not `.`, `..` or `.git`, without `/`, `\` or characters a terminal acts on, and
/// not a case variant of another name of the folder; modes 100644 (a file) and 040000 (a folder) only; files
/// up to `Validator.maximumFileSize`. Pure, so the door and its fuzz target share it.
public enum TreeEntryRules {
    public enum Kind: Sendable, Equatable { case file, folder }

    /// Why an entry cannot be accepted: the rule id and the words.
    public struct Problem: Error, Sendable, Equatable {
        public var rule: String
        public var message: Message
    }

    /// One entry of a folder, checked: its name (escaped for display when it is unusable) and its kind, or
    /// the problem.
    public struct Checked: Sendable {
        public var name: String
        public var result: Result<Kind, Problem>
    }

    /// Checks every entry of one folder.
    public static func check(_ entries: [(name: [UInt8], mode: UInt32)]) -> [Checked] {
        var folded: Set<String> = []
        return entries.map { entry in
            let name: String
            switch self.name(entry.name) {
            case .failure(let p): return Checked(name: String(decoding: entry.name, as: UTF8.self).terminalEscaped, result: .failure(p))
            case .success(let n): name = n
            }
            if !folded.insert(name.lowercased()).inserted {
                return Checked(name: name, result: .failure(Problem(rule: "path-not-allowed", message: Message(
                    en: "another entry of this folder has the same name in other letter case",
                    tr: "bu klasörde aynı adı başka harf büyüklüğüyle taşıyan bir girdi daha var"))))
            }
            return Checked(name: name, result: kind(mode: entry.mode))
        }
    }

    /// The name as text, or why it cannot be a name in a data repository.
    public static func name(_ bytes: [UInt8]) -> Result<String, Problem> {
        func refuse(_ en: String, _ tr: String) -> Result<String, Problem> {
            .failure(Problem(rule: "path-not-allowed", message: Message(en: en, tr: tr)))
        }
        guard let name = String(validating: bytes, as: UTF8.self) else {
            return refuse("the name is not valid UTF-8", "ad geçerli UTF-8 değil")
        }
        if name.isEmpty || name == "." || name == ".." || name.lowercased() == ".git" {
            return refuse("'\(name.terminalEscaped)' is not allowed as a name", "'\(name.terminalEscaped)' ad olarak kullanılamaz")
        }
        if name.utf8.contains(UInt8(ascii: "/")) || name.utf8.contains(UInt8(ascii: "\\")) {
            return refuse("a name may not contain '/' or '\\'", "ad '/' veya '\\' içeremez")
        }
        if name.unicodeScalars.contains(where: { TerminalText.isControl($0.value) }) {
            return refuse("the name contains a control character", "ad bir denetim karakteri içeriyor")
        }
        return .success(name)
    }

    /// The kind a mode stands for, or why the mode is refused.
    public static func kind(mode: UInt32) -> Result<Kind, Problem> {
        switch mode {
        case 0o100644: return .success(.file)
        case 0o40000: return .success(.folder)
        case 0o120000:
            return .failure(Problem(rule: "symlink", message: Message(
                en: "symbolic links are not allowed", tr: "sembolik bağlara izin verilmez")))
        default:
            let octal = String(mode, radix: 8)
            return .failure(Problem(rule: "file-mode", message: Message(
                en: "mode \(octal) is not allowed (only 100644 files and 040000 folders)",
                tr: "\(octal) kipine izin verilmez (yalnızca 100644 dosyalar ve 040000 klasörler)")))
        }
    }

    /// Why a file of `size` bytes cannot enter history, nil when it can.
    public static func sizeProblem(_ size: Int, where place: String, placeTR: String) -> Problem? {
        guard size > Validator.maximumFileSize else { return nil }
        return Problem(rule: "file-too-large", message: Message(
            en: "\(size) bytes \(place); files may not exceed 10 MiB", tr: "\(placeTR) \(size) bayt; dosyalar 10 MiB sınırını aşamaz"))
    }
}
