import Foundation

extension Language {
    /// The language a client asks for in `Accept-Language` (a browser, or git over smart HTTP): Turkish when
    /// it ranks `tr` above `en`; nil when it names neither.
    public static func fromAcceptLanguage(_ header: String?) -> Language? {
        guard let header else { return nil }
        var best: (Language, Double)? = nil
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = pieces.first else { continue }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let lang: Language? = tag.hasPrefix("tr") ? .tr : tag.hasPrefix("en") ? .en : nil
            if let lang, q > (best?.1 ?? -1) { best = (lang, q) }
        }
        return best?.0
    }
}

/// Lines that travel to a reader whose language the writer does not know (the server's hook writing to
/// whoever pushes): each is written twice, tagged `[en] ` and `[tr] `. A git CLI user reads both; gpmsync,
/// which knows its user's language, keeps the lines of that language and drops the tag.
public enum LanguageTag {
    public static func tagged(_ line: String, _ language: Language) -> String { "[\(language.rawValue)] " + line }

    /// The server's line for a reader of `language`: untagged lines as they are, lines tagged with another
    /// language dropped (nil), the tag of this language removed; the hook's `gpmsync: ` prefix is dropped
    /// too (the reader is shown `central:` in its place).
    public static func select(_ line: String, for language: Language) -> String? {
        let rest = line.hasPrefix("gpmsync: ") ? line.dropFirst(9) : Substring(line)
        for other in [Language.en, .tr] where rest.hasPrefix("[\(other.rawValue)] ") {
            return other == language ? String(rest.dropFirst(5)) : nil
        }
        return String(rest)
    }

    /// What the central server said, for a reader of `language`: each line of that language after the
    /// glossary's word for central (`central: …`, `merkez: …`).
    public static func fromCentral(_ lines: [String], _ language: Language) -> [String] {
        lines.compactMap { select($0, for: language) }.map { "\(Glossary.central.text(language)): \($0)" }
    }
}
