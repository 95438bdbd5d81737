import Foundation

/// Checks of good-practice documents (front matter, required fields and sections) and municipality profiles.
struct PracticeRules {
    let codeLists: CodeLists

    static let statuses: Set<String> = ["pilot", "ongoing", "completed", "discontinued"]
    /// Required body sections: English and Turkish titles.
    static let sections: [(en: String, tr: String)] = [
        ("Summary", "Özet"), ("Context", "Bağlam"), ("Activities", "Faaliyetler"),
        ("Results", "Sonuçlar"), ("Lessons learned", "Çıkarılan dersler"),
    ]

    func validate(path: String, text: String, org: String, id: String) -> [Diagnostic] {
        let doc = PracticeDocument(text: text)
        var out: [Diagnostic] = []
        out += personalData(path: path, doc: doc)
        guard let fm = doc.frontMatter else {
            out.append(Diagnostic(path: path, line: 1, rule: "front-matter", message: Messages.frontMatter(doc.frontMatterError ?? "")))
            return out
        }
        func line(of key: String) -> Int {
            let lines = doc.frontMatterText.split(separator: "\n", omittingEmptySubsequences: false)
            return (lines.firstIndex { $0.hasPrefix(key + ":") } ?? -1) + 2
        }
        func missing(_ f: String) { out.append(Diagnostic(path: path, line: 1, field: f, rule: "missing-field", message: Messages.missingField(f))) }
        func bad(_ f: String, _ en: String, _ tr: String) {
            let top = String(f.split(separator: ".").first ?? "")
            out.append(Diagnostic(path: path, line: line(of: top), field: f, rule: "front-matter", message: Messages.badField(f, en, tr)))
        }

        if let v = fm["id"]?.string { if v != id { bad("id", "'\(v)' must equal the file name '\(id)'", "'\(v)' dosya adıyla ('\(id)') aynı olmalı") } }
        else { missing("id") }
        if let title = fm["title"] {
            if title.mapping?["tr"]?.string?.isEmpty ?? true { missing("title.tr") }
        } else { missing("title") }
        if let m = fm["municipality"]?.string { if m != org { bad("municipality", "'\(m)' must be '\(org)'", "'\(m)' yerine '\(org)' olmalı") } }
        else { missing("municipality") }
        let period = fm["period"]?.mapping
        if let start = period?["start"]?.string {
            if !isISODate(start) { bad("period.start", "'\(start)' is not a date (YYYY-MM-DD)", "'\(start)' bir tarih değil (YYYY-AA-GG)") }
            if let end = period?["end"]?.string {
                if !isISODate(end) { bad("period.end", "'\(end)' is not a date (YYYY-MM-DD)", "'\(end)' bir tarih değil (YYYY-AA-GG)") }
                else if isISODate(start) && end < start { bad("period.end", "\(end) is before the start \(start)", "\(end), başlangıçtan (\(start)) önce") }
            }
        } else { missing("period.start") }
        if let s = fm["status"]?.string { if !Self.statuses.contains(s) { bad("status", "'\(s)' is not one of pilot, ongoing, completed, discontinued", "'\(s)' pilot, ongoing, completed, discontinued değerlerinden biri değil") } }
        else { missing("status") }
        if let themes = fm["themes"]?.sequence, !themes.isEmpty {
            let codes = codeLists["themes"]
            for t in themes {
                let v = t.string ?? ""
                if let codes, !codes.contains(v) { bad("themes", "'\(v)' is not in codelists/themes.csv", "'\(v)' codelists/themes.csv içinde yok") }
            }
        } else { missing("themes") }
        if fm["target_groups"]?.sequence?.isEmpty ?? true, fm["target_groups"]?.string == nil { missing("target_groups") }
        if fm["contact"]?.mapping?["unit"]?.string?.isEmpty ?? true { missing("contact.unit") }
        for t in fm["sdg_targets"]?.sequence ?? [] {
            let v = t.string ?? ""
            if (try? /^([1-9]|1[0-7])\.([1-9][0-9]?|[a-z])$/.wholeMatch(in: v)) == nil {
                bad("sdg_targets", "'\(v)' is not an SDG target like 10.7", "'\(v)' 10.7 gibi bir SKA hedefi değil")
            }
        }
        for g in fm["gcm_objectives"]?.sequence ?? [] {
            if let n = Int(g.string ?? ""), (1...23).contains(n) { continue }
            bad("gcm_objectives", "'\(g.string ?? "")' is not a GCM objective (1–23)", "'\(g.string ?? "")' bir GCM hedefi değil (1–23)")
        }
        let present = Set(doc.sections.map { $0.lowercased() })
        for s in Self.sections where !present.contains(s.en.lowercased()) && !present.contains(s.tr.lowercased()) {
            out.append(Diagnostic(path: path, line: doc.bodyFirstLine, field: s.en, rule: "missing-section", message: Messages.missingSection(s.en, s.tr)))
        }
        return out
    }

    /// PII in front matter (an institutional e-mail or phone is allowed under `contact`) and in the body.
    private func personalData(path: String, doc: PracticeDocument) -> [Diagnostic] {
        yamlPersonalData(path: path, yaml: doc.frontMatterText, firstLine: 2)
            + doc.body.split(separator: "\n", omittingEmptySubsequences: false).enumerated().flatMap { i, line in
                PersonalData.scan(String(line)).map {
                    Diagnostic(path: path, line: doc.bodyFirstLine + i, rule: $0.rule, message: PersonalData.message(for: $0.rule))
                }
            }
    }

    /// PII in YAML whose first line is `firstLine` of the file; the `contact` block may hold an institution's
    /// e-mail address and phone.
    private func yamlPersonalData(path: String, yaml: String, firstLine: Int) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var inContact = false
        for (i, raw) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if !line.hasPrefix(" ") && !line.hasPrefix("\t") && !line.hasPrefix("-") { inContact = line.hasPrefix("contact:") }
            for f in PersonalData.scan(line, allowEmail: inContact) where !(inContact && f.rule == "pii-phone") {
                out.append(Diagnostic(path: path, line: firstLine + i, rule: f.rule, message: PersonalData.message(for: f.rule)))
            }
        }
        return out
    }

    func validateProfile(path: String, text: String) -> [Diagnostic] {
        var out = yamlPersonalData(path: path, yaml: text, firstLine: 1)
        let doc = PracticeDocument(profile: text)
        if doc.frontMatter == nil {
            out.append(Diagnostic(path: path, line: 1, rule: "front-matter", message: Messages.frontMatter(doc.frontMatterError ?? "")))
        }
        return out
    }
}
