/// The product's words, English and Turkish side by side: the SPEC's "Words" as code. A message that names
/// one of these things uses this word for it (`Glossary.state`, `Glossary.severity`, … for words printed on
/// their own; the same word, with its Turkish suffixes, inside a sentence). `GlossaryTests` checks every
/// bilingual literal of the sources against it: both languages present, the Turkish not the English, and
/// none of the words in `avoided` nor English jargon in the Turkish.
public enum Glossary {
    public static let sync = Message(en: "sync", tr: "eşitleme")
    public static let contribution = Message(en: "contribution", tr: "katkı")
    public static let reviewer = Message(en: "reviewer", tr: "inceleyici")
    public static let submission = Message(en: "submission", tr: "gönderim")
    public static let conflict = Message(en: "conflict", tr: "çakışma")
    public static let heldBack = Message(en: "held back", tr: "bekletilen")
    /// A recorded change (a git commit): never "işleme".
    public static let commit = Message(en: "recorded change", tr: "kayıt")
    /// Central's `main`.
    public static let main = Message(en: "central main", tr: "ana veri")
    public static let ancestor = Message(en: "ancestor value", tr: "önceki değer")
    public static let allRow = Message(en: "ALL row", tr: "toplam (ALL) satırı")
    public static let parts = Message(en: "parts", tr: "alt kırılımlar")
    public static let validation = Message(en: "validation", tr: "doğrulama")
    public static let central = Message(en: "central", tr: "merkez")
    public static let local = Message(en: "local", tr: "yerel")
    public static let outbox = Message(en: "outbox", tr: "giden kutusu")
    public static let identityNumber = Message(en: "identity number", tr: "T.C. kimlik numarası")
    public static let foreignIdentityNumber = Message(en: "foreign identity number", tr: "yabancı kimlik numarası (YKN)")

    /// Every entry above, for the tests and for anyone who wants the list.
    public static let all: [(name: String, words: Message)] = [
        ("sync", sync), ("contribution", contribution), ("reviewer", reviewer), ("submission", submission),
        ("conflict", conflict), ("held back", heldBack), ("commit", commit), ("main", main), ("ancestor", ancestor),
        ("ALL row", allRow), ("parts", parts), ("validation", validation), ("central", central), ("local", local),
        ("outbox", outbox), ("identity number", identityNumber), ("foreign identity number", foreignIdentityNumber),
    ] + reviewStates.map { ("review state \($0.key)", $0.value) }

    /// A review state as people read it (`ReviewNote.State`'s raw values stay in JSON and notes).
    public static let reviewStates: [String: Message] = [
        "received": Message(en: "received", tr: "alındı"),
        "invalid": Message(en: "invalid", tr: "geçersiz"),
        "has_issues": Message(en: "has issues", tr: "düzeltme istendi"),
        "approved": Message(en: "approved", tr: "onaylandı"),
        "rejected": Message(en: "rejected", tr: "reddedildi"),
        "submitted": Message(en: "submitted, not yet reviewed", tr: "gönderildi, henüz incelenmedi"),
        "new": Message(en: "new", tr: "yeni"),
    ]

    /// A review state (or any state word of the notes) in `language`; an unknown one as it is.
    public static func state(_ raw: String, _ language: Language) -> String {
        reviewStates[raw]?.text(language) ?? raw
    }

    /// A clone's sync state as `status` names it.
    public static let syncStates: [String: Message] = [
        "synced": Message(en: "synced", tr: "eşitlendi"),
        "pending": Message(en: "pending", tr: "gönderilmeyi bekliyor"),
        "offline": Message(en: "offline", tr: "çevrimdışı"),
        "error": Message(en: "error", tr: "hata"),
        "conflict": Message(en: "conflict", tr: "çakışma"),
    ]

    public static func severity(_ severity: Diagnostic.Severity, _ language: Language) -> String {
        switch severity {
        case .error: return language == .tr ? "hata" : "error"
        case .warning: return language == .tr ? "uyarı" : "warning"
        }
    }

    /// What happened to a file in a semantic diff.
    public static func fileChange(_ kind: FileChange.Kind, _ language: Language) -> String {
        switch kind {
        case .added: return language == .tr ? "eklendi" : "added"
        case .modified: return language == .tr ? "değiştirildi" : "modified"
        case .deleted: return language == .tr ? "silindi" : "deleted"
        }
    }

    /// What happened to a row in a semantic diff.
    public static func rowChange(_ kind: RowChange.Kind, _ language: Language) -> String {
        switch kind {
        case .added: return language == .tr ? "eklendi" : "added"
        case .removed: return language == .tr ? "silindi" : "removed"
        case .changed: return language == .tr ? "değiştirildi" : "changed"
        }
    }

    /// Turkish words the product does not use, each with the glossary's word to use instead (matched at
    /// the start of a word, so their suffixed forms count too).
    public static let avoided: [(word: String, use: String)] = [
        ("işleme", "kayıt"), ("işlemeler", "kayıtlar"), ("commit", "kayıt"),
        ("ortak ata", "önceki değer"), ("inceleyen", "inceleyici"), ("parça", "alt kırılım"),
        ("birimden", "biriminden gelen"), ("denetler", "doğrular"), ("tutulan", "bekletilen"),
        ("dalı", "katkı (contrib/…)"), ("dalın", "katkı (contrib/…)"), ("ana dal", "ana veri"),
    ]

    /// English words that must not appear in Turkish output (the deny list): what a person reads
    /// in Turkish is Turkish, values and file names aside.
    public static let englishDenyList = ["approved", "rejected", "received", "error", "warning", "added",
                                         "modified", "commit", "push", "main", "branch"]
}
