import Foundation
import GPMCore

/// Every string a reader sees, in the reader's language: the English and the Turkish side by side at the
/// place they are used, the terms from `GPMCore`'s `Glossary` (the SPEC's "Words"; `GlossaryTests` checks
/// every pair here too).
public struct Words: Sendable {
    public let language: Language
    public init(_ language: Language) { self.language = language }

    public func callAsFunction(_ en: String, _ tr: String) -> String { language == .tr ? tr : en }

    /// A message, or a word of the glossary (`w.text(Glossary.reviewer)`): a new page takes its terms from
    /// `Glossary`, so the console and the command line name each thing alike.
    public func text(_ message: Message) -> String { message.text(language) }

    /// A review state as the glossary names it.
    public func state(_ state: String) -> String { Glossary.state(state, language) }

    public static let states = ["new", "received", "invalid", "has_issues", "approved", "rejected"]

    /// The language a browser asks for in Accept-Language: Turkish when it ranks `tr` above `en`.
    public static func language(acceptLanguage header: String?) -> Language {
        Language.fromAcceptLanguage(header) ?? .en
    }
}
