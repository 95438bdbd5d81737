import GPMCharts
import GPMCore

/// A contribution as the reviewer reads it: its semantic diff, findings, activity and the decision form.
public struct ContributionView: Sendable {
    public var org: String
    public var name: String
    public var province: String
    /// The full id of the tip shown: the decision form sends it back, and a branch that moved is refused.
    public var tip: String
    public var state: String
    public var date: String
    public var files: [FileView]
    public var findings: [Diagnostic]
    public var activity: [Activity]
    public var allColumns: Bool
    public init(org: String, name: String, province: String, tip: String, state: String, date: String, files: [FileView],
                findings: [Diagnostic], activity: [Activity], allColumns: Bool) {
        self.org = org; self.name = name; self.province = province; self.tip = tip; self.state = state; self.date = date
        self.files = files; self.findings = findings; self.activity = activity; self.allColumns = allColumns
    }
}

/// One changed file: a record table (rows by key, cells), or front-matter fields and body lines.
public struct FileView: Sendable {
    public var change: FileChange
    /// The primary-key columns, shown first on every row.
    public var keyColumns: [String]
    /// The other columns shown: the changed ones, or all of them.
    public var columns: [String]
    /// Per row key: the cells of the row, changed or not (the unchanged ones only when all columns are shown).
    public var cells: [String: [String: CellView]]
    public init(change: FileChange, keyColumns: [String], columns: [String], cells: [String: [String: CellView]]) {
        self.change = change; self.keyColumns = keyColumns; self.columns = columns; self.cells = cells
    }
}

public struct CellView: Sendable {
    public var old: String?
    public var new: String?
    public var changed: Bool
    /// Who last changed the cell in this contribution, and when.
    public var who: String?
    public var when: String?
    public var chart: SeriesChart?
    public init(old: String?, new: String?, changed: Bool, who: String? = nil, when: String? = nil, chart: SeriesChart? = nil) {
        self.old = old; self.new = new; self.changed = changed; self.who = who; self.when = when; self.chart = chart
    }
}

/// A commit of the branch or a review note on one: who, when, what and why.
public struct Activity: Sendable {
    public var at: String
    public var who: String
    public var commit: String
    /// nil for a commit; the note's state for a note.
    public var state: String?
    public var text: String
    public init(at: String, who: String, commit: String, state: String?, text: String) {
        self.at = at; self.who = who; self.commit = commit; self.state = state; self.text = text
    }
}

public enum ContributionPage {
    public static func render(_ c: PageContext, _ v: ContributionView, flash: Flash? = nil) -> HTML {
        let w = c.words
        let toggle: HTML = v.allColumns
            ? "<a href=\"/contributions/\(percentEncode(v.org))\">\(w("Hide unchanged columns", "Değişmeyen sütunları gizle"))</a>"
            : "<a href=\"/contributions/\(percentEncode(v.org))?columns=all\">\(w("Show all columns", "Tüm sütunları göster"))</a>"
        let body: HTML = """
            <p class="meta">\(Layout.chip(v.state, w)) \(v.org) · \(v.province) · \(w("tip", "son kayıt")) <code class="tip">\(v.tip)</code> · \(Layout.when(v.date))</p>
            \(decisionForm(c, v))
            <h2>\(w("Changes", "Değişiklikler"))</h2><p class="meta">\(toggle)</p>
            \(v.files.map { file(c, $0) })
            <h2>\(w("Validation findings", "Doğrulama bulguları"))</h2>
            \(findings(c, v.findings))
            <h2>\(w("Activity", "Etkinlik"))</h2>
            \(activity(c, v.activity))
            """
        return Layout.page(c, title: w("Contribution of \(v.name)", "\(v.name) katkısı"), active: "queue", flash: flash, body)
    }

    static func decisionForm(_ c: PageContext, _ v: ContributionView) -> HTML {
        let w = c.words
        return """
            <form class="decision" method="post" action="/contributions/\(percentEncode(v.org))/decision">\(Layout.csrfField(c))
            <input type="hidden" name="tip" value="\(v.tip)">
            <label for="reason">\(w("Reason (required to send back; the municipality's staff read it)", "Gerekçe (geri göndermek için zorunlu; belediye çalışanları okur)"))</label>
            <textarea id="reason" name="reason"></textarea>
            <div class="buttons"><button class="approve" type="submit" name="decision" value="approve">\(w("Approve", "Onayla"))</button>
            <button class="has_issues" type="submit" name="decision" value="has_issues">\(w("Has issues", "Düzeltme iste"))</button>
            <button class="reject" type="submit" name="decision" value="reject">\(w("Reject", "Reddet"))</button></div></form>
            """
    }

    static func file(_ c: PageContext, _ f: FileView) -> HTML {
        let w = c.words
        let kind: String
        switch f.change.kind {
        case .added: kind = w("added", "eklendi")
        case .modified: kind = w("modified", "değişti")
        case .deleted: kind = w("deleted", "silindi")
        }
        var out: HTML = "<section class=\"file\" data-path=\"\(f.change.path)\"><h3>\(f.change.path) <small class=\"muted\">\(kind)</small></h3>"
        if let rows = f.change.rows, !rows.isEmpty {
            let head: [HTML] = (f.keyColumns + f.columns).map { "<th>\($0)</th>" }
            out += "<table class=\"records\"><thead><tr><th>\(w("change", "değişiklik"))</th>\(head)</tr></thead><tbody>"
            for r in rows {
                let keyValues = r.key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                let rowKind: String
                switch r.kind {
                case .added: rowKind = w("added", "eklendi")
                case .removed: rowKind = w("removed", "silindi")
                case .changed: rowKind = w("changed", "değişti")
                }
                // An added row was written whole by one person: who and when once, in the first column.
                let writer: HTML = r.kind == .added ? (f.cells[r.key]?.values.first { $0.who != nil }).map { v -> HTML in
                    "<span class=\"who\">\(v.who ?? "") · \(Layout.when(v.when ?? ""))</span>" } ?? "" : ""
                out += "<tr class=\"\(r.kind.rawValue)\"><td>\(rowKind)\(writer)</td>"
                for (i, _) in f.keyColumns.enumerated() { out += "<td>\(i < keyValues.count ? keyValues[i] : "")</td>" }
                let cells = f.cells[r.key] ?? [:]
                for column in f.columns { out += cell(c, cells[column], rowKind: r.kind) }
                out += "</tr>"
            }
            out += "</tbody></table>"
        }
        if let fields = f.change.fields, !fields.isEmpty {
            out += "<table class=\"fields\"><thead><tr><th>\(w("field", "alan"))</th><th>\(w("before", "önce"))</th><th>\(w("after", "sonra"))</th></tr></thead><tbody>"
            for x in fields { out += "<tr><td>\(x.field)</td><td><del>\(x.old ?? "")</del></td><td class=\"changed\"><ins>\(x.new ?? "")</ins></td></tr>" }
            out += "</tbody></table>"
        }
        if let lines = f.change.lines, !lines.isEmpty {
            out += "<table class=\"lines\"><tbody>"
            for l in lines { out += "<tr class=\"\(l.kind == .added ? "added" : "removed")\"><td class=\"num\">\(l.line)</td><td>\(l.kind == .added ? "+" : "−")</td><td><code>\(l.text)</code></td></tr>" }
            out += "</tbody></table>"
        }
        if let size = f.change.uncomparedSize { out += "<p class=\"muted\">\(w("\(size) bytes: too large to compare", "\(size) bayt: karşılaştırılamayacak kadar büyük"))</p>" }
        return out + "</section>"
    }

    static func cell(_ c: PageContext, _ v: CellView?, rowKind: RowChange.Kind) -> HTML {
        guard let v else { return "<td></td>" }
        let who: HTML = rowKind == .changed ? v.who.map { who -> HTML in "<span class=\"who\">\(who) · \(Layout.when(v.when ?? ""))</span>" } ?? "" : ""
        let chart: HTML = v.chart.map { HTML(trusted: $0.svg()) } ?? ""
        switch rowKind {
        case .changed where v.changed:
            return "<td class=\"changed\"><del>\(v.old ?? "")</del> → <ins>\(v.new ?? "")</ins>\(who)\(chart)</td>"
        case .removed:
            return "<td>\(v.old ?? "")</td>"
        default:
            return "<td\(v.changed ? HTML(trusted: " class=\"changed\"") : "")>\(v.new ?? "")\(who)\(chart)</td>"
        }
    }

    static func findings(_ c: PageContext, _ diagnostics: [Diagnostic]) -> HTML {
        let w = c.words
        guard !diagnostics.isEmpty else { return "<p class=\"muted\">\(w("No findings.", "Bulgu yok."))</p>" }
        // Grouped by file, then by rule, errors first.
        var out: HTML = ""
        let byPath = Dictionary(grouping: diagnostics, by: \.path)
        for path in byPath.keys.sorted() {
            out += "<h3>\(path)</h3><ul class=\"findings\">"
            let byRule = Dictionary(grouping: byPath[path]!, by: \.rule)
            for rule in byRule.keys.sorted(by: { (byRule[$0]!.first!.isError ? 0 : 1, $0) < (byRule[$1]!.first!.isError ? 0 : 1, $1) }) {
                let group = byRule[rule]!
                let items: [HTML] = group.prefix(50).map { d -> HTML in
                    "<li class=\"\(d.severity.rawValue)\">\(d.line.map { w("line \($0)", "\($0). satır") } ?? "")\(d.field.map { " · \($0)" } ?? ""): \(w.text(d.message))</li>"
                }
                let more: HTML = group.count > 50 ? "<li class=\"muted\">\(w("… \(group.count - 50) more", "… \(group.count - 50) tane daha"))</li>" : ""
                out += "<li><strong>\(rule)</strong> (\(group.count))<ul>\(items)\(more)</ul></li>"
            }
            out += "</ul>"
        }
        return out
    }

    static func activity(_ c: PageContext, _ items: [Activity]) -> HTML {
        let w = c.words
        guard !items.isEmpty else { return "<p class=\"muted\">\(w("No activity yet.", "Henüz etkinlik yok."))</p>" }
        let lis: [HTML] = items.map { a -> HTML in
            let what: HTML = a.state.map { s -> HTML in "\(Layout.chip(s, w)) \(w("by", "inceleyici:")) \(a.who)" } ?? "\(w("record by", "kaydı yapan:")) \(a.who)"
            return "<li><span class=\"meta\">\(Layout.when(a.at)) · <code>\(String(a.commit.prefix(10)))</code></span> \(what)\(a.text.isEmpty ? "" : " — ")\(a.text)</li>"
        }
        return "<ul class=\"activity\">\(lis)</ul>"
    }
}
