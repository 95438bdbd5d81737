import Foundation
import GPMCore

/// Every string a reader sees, in the reader's language: the English and the Turkish side by side at the
/// place they are used (the SPEC's "Words" glossary fixes the terms).
public struct Words: Sendable {
    public let language: Language
    public init(_ language: Language) { self.language = language }

    public func callAsFunction(_ en: String, _ tr: String) -> String { language == .tr ? tr : en }

    public func text(_ message: Message) -> String { message.text(language) }

    /// A review state as the glossary names it.
    public func state(_ state: String) -> String {
        switch state {
        case "received": return self("received", "alındı")
        case "invalid": return self("invalid", "geçersiz")
        case "has_issues": return self("has issues", "düzeltme istendi")
        case "approved": return self("approved", "onaylandı")
        case "rejected": return self("rejected", "reddedildi")
        case "new": return self("new", "yeni")
        case "submitted": return self("submitted", "gönderildi")
        default: return state
        }
    }

    public static let states = ["new", "received", "invalid", "has_issues", "approved", "rejected"]

    /// The language a browser asks for in Accept-Language: Turkish when it ranks `tr` above `en`.
    public static func language(acceptLanguage header: String?) -> Language {
        guard let header else { return .en }
        var best: (Language, Double)? = nil
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = pieces.first else { continue }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let lang: Language? = tag.hasPrefix("tr") ? .tr : tag.hasPrefix("en") ? .en : nil
            if let lang, q > (best?.1 ?? -1) { best = (lang, q) }
        }
        return best?.0 ?? .en
    }
}
