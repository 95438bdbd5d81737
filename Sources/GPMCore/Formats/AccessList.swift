/// `access.csv`: who may push what. It decides who may change whose data, so it is read strictly: a file
/// with any problem is not used to decide anything (the central's door refuses every push until an admin
/// fixes it), rather than silently taking, say, the last of two rows for one user.
public struct AccessList: Sendable {
    public enum Role: String, Sendable, CaseIterable { case municipality, reviewer, admin }

    public struct Entry: Sendable {
        public var user: String
        public var role: Role
        public var orgUnit: String?
    }

    public var entries: [String: Entry]
    /// What is wrong with the file, as diagnostics of `access.csv`; empty when it can be used.
    public var problems: [Diagnostic]

    public static let path = "access.csv"

    /// Parses the file; `orgUnits`, when given, is the code list an org unit must come from.
    public init(bytes: [UInt8], orgUnits: Set<String>? = nil) {
        let table = CSV.parse(bytes)
        var entries: [String: Entry] = [:]
        var problems: [Diagnostic] = []
        func problem(_ line: Int?, _ field: String?, _ rule: String, _ en: String, _ tr: String) {
            problems.append(Diagnostic(path: Self.path, line: line, field: field, rule: rule, message: Message(en: en, tr: tr)))
        }
        let u = table.header.firstIndex(of: "user"), r = table.header.firstIndex(of: "role"), o = table.header.firstIndex(of: "org_unit")
        for (name, index) in [("user", u), ("role", r), ("org_unit", o)] where index == nil {
            problem(1, name, "missing-label", "access.csv has no '\(name)' column", "access.csv içinde '\(name)' sütunu yok")
        }
        if let u, let r, let o {
            for row in table.rows where !row.isBlank {
                func cell(_ i: Int) -> String { i < row.fields.count ? row.fields[i] : "" }
                let user = cell(u), roleText = cell(r), org = cell(o)
                if let reason = Self.problemWithName(user) {
                    problem(row.line, "user", "constraint-error", "the user name \(reason.en)", "kullanıcı adı \(reason.tr)")
                    continue
                }
                guard let role = Role(rawValue: roleText) else {
                    problem(row.line, "role", "constraint-error", "'\(roleText)' is not a role (municipality, reviewer, admin)",
                            "'\(roleText)' bir rol değil (municipality, reviewer, admin)")
                    continue
                }
                switch role {
                case .municipality where org.isEmpty:
                    problem(row.line, "org_unit", "constraint-error", "a municipality user needs an org unit", "belediye kullanıcısının bir birim kodu olmalı")
                    continue
                case .municipality where orgUnits.map { !$0.contains(org) } ?? !isOrgUnit(org):
                    problem(row.line, "org_unit", "foreign-key", "'\(org)' is not in codelists/org_units.csv", "'\(org)' codelists/org_units.csv içinde yok")
                    continue
                case .reviewer where !org.isEmpty, .admin where !org.isEmpty:
                    problem(row.line, "org_unit", "constraint-error", "the role \(role.rawValue) has no org unit; leave it empty",
                            "\(role.rawValue) rolünün birim kodu olmaz; boş bırakın")
                    continue
                default: break
                }
                if entries[user] != nil {
                    problem(row.line, "user", "primary-key", "'\(user)' is listed more than once", "'\(user)' birden çok kez listelenmiş")
                    continue
                }
                entries[user] = Entry(user: user, role: role, orgUnit: org.isEmpty ? nil : org)
            }
        }
        self.entries = entries
        self.problems = problems
    }

    /// Why a user name cannot be used (nil when it can): empty, untrimmed, with whitespace or a control
    /// character inside, or starting with a character a spreadsheet would run as a formula.
    public static func problemWithName(_ name: String) -> Message? {
        if name.isEmpty { return Message(en: "is empty", tr: "boş") }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) {
            return Message(en: "contains a space or a control character", tr: "boşluk veya denetim karakteri içeriyor")
        }
        if let first = name.first, "=+-@".contains(first) {
            return Message(en: "may not start with '\(first)'", tr: "'\(first)' ile başlayamaz")
        }
        return nil
    }

    public subscript(user: String) -> Entry? { entries[user] }
}
