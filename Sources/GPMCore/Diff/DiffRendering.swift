extension SemanticDiff {
    /// Plain text, one block per file: `+ key`, `- key`, `~ key: field old → new`, the words in `language`
    /// (commit messages take English). Every value is escaped for the terminal (a cell may hold escape
    /// sequences or line breaks).
    public func text(_ language: Language = .en) -> TerminalText {
        var out: TerminalText = ""
        for f in files {
            out += "\(Glossary.fileChange(f.kind, language)) \(f.path)\n"
            for r in f.rows ?? [] {
                switch r.kind {
                case .added:
                    out += "  + \(r.key)  " + .joined(r.cells.map { "\($0.field)=\($0.new ?? "")" }, separator: " ") + "\n"
                case .removed:
                    out += "  - \(r.key)\n"
                case .changed:
                    out += "  ~ \(r.key)  " + .joined(r.cells.map { "\($0.field): \($0.old ?? "∅") → \($0.new ?? "∅")" }, separator: "; ") + "\n"
                }
            }
            for c in f.fields ?? [] { out += "  ~ \(c.field): \(c.old ?? "∅") → \(c.new ?? "∅")\n" }
            for l in f.lines ?? [] { out += "  \(l.kind == .added ? "+" : "-")\(l.line): \(l.text)\n" }
            if let size = f.uncomparedSize {
                out += language == .tr ? "  (\(size) bayt: karşılaştırılamayacak kadar büyük)\n" : "  (\(size) bytes: too large to compare)\n"
            }
            if let n = f.unlisted {
                out += language == .tr ? "  … \(n) değişiklik daha (hepsi: gpmsync diff)\n" : "  … \(n) more change(s) (all of them: gpmsync diff)\n"
            }
        }
        return out
    }

    /// A short summary for commit messages and for people: `residents/2025Q1 +2 -1 ~3`,
    /// `practices/gp-2025-01-… (+)`. Names and signs only, so it reads the same in both languages (it is
    /// stored in commit messages, which `status` shows).
    public func summary() -> String {
        files.map { f in
            let name: String
            switch RepositoryPath(f.path) {
            case .record(_, let d, let p): name = "\(d)/\(p)"
            case .practice(_, let id): name = "practices/\(id)"
            case .profile: name = "profile.yaml"
            default: name = f.path
            }
            let sign = [FileChange.Kind.added: "+", .modified: "~", .deleted: "-"][f.kind]!
            guard let rows = f.rows else { return "\(name) (\(sign))" }
            let a = rows.filter { $0.kind == .added }.count, r = rows.filter { $0.kind == .removed }.count
            let c = rows.filter { $0.kind == .changed }.count
            return "\(name) +\(a) -\(r) ~\(c)"
        }.joined(separator: ", ")
    }

    /// One self-contained page (no external assets): records as tables with changed cells highlighted,
    /// totals per municipality.
    public func html(title: String, language: Language = .en) -> String {
        let w = { (en: String, tr: String) in language == .tr ? tr : en }
        var body = "<h1>\(htmlEscaped(title))</h1>\n"
        let byOrg = Dictionary(grouping: files) { $0.orgUnit ?? "GPM" }
        body += "<table class=\"totals\"><thead><tr><th>\(w("municipality", "belediye"))</th><th>\(w("files", "dosyalar"))</th><th>\(w("rows added", "eklenen satırlar"))</th><th>\(w("rows removed", "silinen satırlar"))</th><th>\(w("rows changed", "değişen satırlar"))</th></tr></thead><tbody>\n"
        for org in byOrg.keys.sorted() {
            let d = SemanticDiff(files: byOrg[org]!)
            let c = d.counts
            body += "<tr><td>\(htmlEscaped(org))</td><td>\(d.files.count)</td><td>\(c.added)</td><td>\(c.removed)</td><td>\(c.changed)</td></tr>\n"
        }
        body += "</tbody></table>\n"
        for f in files {
            body += "<section class=\"file \(f.kind.rawValue)\"><h2>\(htmlEscaped(f.path)) <small>\(Glossary.fileChange(f.kind, language))</small></h2>\n"
            if let rows = f.rows, !rows.isEmpty {
                let columns = rows.flatMap { $0.cells.map(\.field) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                body += "<table class=\"records\"><thead><tr><th>\(w("change", "değişiklik"))</th><th>\(w("key", "anahtar"))</th>" + columns.map { "<th>\(htmlEscaped($0))</th>" }.joined() + "</tr></thead><tbody>\n"
                for r in rows {
                    body += "<tr class=\"\(r.kind.rawValue)\"><td>\(Glossary.rowChange(r.kind, language))</td><td>\(htmlEscaped(r.key))</td>"
                    for c in columns {
                        if let cell = r.cells.first(where: { $0.field == c }) {
                            switch r.kind {
                            case .changed: body += "<td class=\"changed\"><del>\(htmlEscaped(cell.old ?? ""))</del> → <ins>\(htmlEscaped(cell.new ?? ""))</ins></td>"
                            case .added: body += "<td>\(htmlEscaped(cell.new ?? ""))</td>"
                            case .removed: body += "<td>\(htmlEscaped(cell.old ?? ""))</td>"
                            }
                        } else {
                            body += "<td></td>"
                        }
                    }
                    body += "</tr>\n"
                }
                body += "</tbody></table>\n"
            }
            if let fields = f.fields, !fields.isEmpty {
                body += "<table class=\"fields\"><thead><tr><th>\(w("field", "alan"))</th><th>\(w("old", "eski"))</th><th>\(w("new", "yeni"))</th></tr></thead><tbody>\n"
                for c in fields {
                    body += "<tr><td>\(htmlEscaped(c.field))</td><td><del>\(htmlEscaped(c.old ?? ""))</del></td><td class=\"changed\"><ins>\(htmlEscaped(c.new ?? ""))</ins></td></tr>\n"
                }
                body += "</tbody></table>\n"
            }
            if let lines = f.lines, !lines.isEmpty {
                body += "<pre class=\"lines\">" + lines.map { l in
                    "<span class=\"\(l.kind.rawValue)\">\(l.kind == .added ? "+" : "-")\(htmlEscaped(l.text))</span>"
                }.joined(separator: "\n") + "</pre>\n"
            }
            body += "</section>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)"><head><meta charset="utf-8"/><title>\(htmlEscaped(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left}
        tr.added{background:#e6ffed}tr.removed{background:#ffeef0}td.changed{background:#fff5b1}
        del{color:#b31d28}ins{color:#22863a;text-decoration:none}
        span.added{color:#22863a}span.removed{color:#b31d28}
        </style></head><body>
        \(body)</body></html>

        """
    }
}

/// The string as HTML text or attribute value; control characters are first written out as for a terminal
/// (the page may well be read with `cat`).
public func htmlEscaped(_ s: String) -> String {
    var out = ""
    for ch in s.terminalEscaped {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}
