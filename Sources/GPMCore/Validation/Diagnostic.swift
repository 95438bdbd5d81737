/// A message in both languages of the product.
public struct Message: Codable, Sendable, Equatable {
    public var en: String
    public var tr: String
    public init(en: String, tr: String) { self.en = en; self.tr = tr }

    public func text(_ language: Language) -> String { language == .tr ? tr : en }
}

public enum Language: String, Sendable {
    case en, tr

    /// From `LANG`/`LC_ALL`/`LC_MESSAGES`: Turkish when it starts with `tr`, else English.
    public static func fromEnvironment(_ env: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let v = env[key], !v.isEmpty { return v.lowercased().hasPrefix("tr") ? .tr : .en }
        }
        return .en
    }
}

/// One finding of validation, in the shape the SPEC fixes for `validate --format json`.
public struct Diagnostic: Codable, Sendable, Equatable {
    public enum Severity: String, Codable, Sendable { case error, warning }

    public var path: String
    public var line: Int?
    public var field: String?
    public var rule: String
    public var severity: Severity
    public var message: Message

    public init(path: String, line: Int? = nil, field: String? = nil, rule: String,
                severity: Severity = .error, message: Message) {
        self.path = path; self.line = line; self.field = field
        self.rule = rule; self.severity = severity; self.message = message
    }

    public var isError: Bool { severity == .error }

    /// Whether the diagnostic is about personal data (such a file is never committed).
    public var isPersonalData: Bool { rule.hasPrefix("pii-") }

    /// `file:line: severity rule: message` in English; in Turkish `file:line: hata: message`, the severity in
    /// the glossary's word and the rule id (an English name that is part of the JSON contract) left to
    /// `verbose` and the JSON. Escaped for the terminal (the path, the field and the message may carry what
    /// a file held).
    public func formatted(_ language: Language, verbose: Bool = false) -> TerminalText {
        var text: TerminalText = "\(path)"
        if let line { text += ":\(line)" }
        text += ": \(Glossary.severity(severity, language))"
        text += language == .en || verbose ? " \(rule): " : ": "
        if let field { text += "[\(field)] " }
        return text + "\(message.text(language))"
    }

    enum CodingKeys: String, CodingKey { case path, line, field, rule, severity, message }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(line, forKey: .line)
        try c.encode(field, forKey: .field)
        try c.encode(rule, forKey: .rule)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
    }
}

/// The result of validating a set of files.
public struct ValidationReport: Codable, Sendable {
    public var ok: Bool
    public var errors: Int
    public var warnings: Int
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
        errors = diagnostics.filter(\.isError).count
        warnings = diagnostics.count - errors
        ok = errors == 0
    }
}
