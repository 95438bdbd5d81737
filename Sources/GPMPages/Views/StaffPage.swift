import Foundation
import GPMCore

/// What the staff's page shows: the clone's last computed status, the daemon's schedule and recent syncs.
public struct StaffOverview: Sendable {
    public struct Conflict: Sendable {
        public var path: String
        public var key: String
        public var field: String
        public var ancestor: String?
        public var mine: String?
        public var theirs: String?
        public init(path: String, key: String, field: String, ancestor: String?, mine: String?, theirs: String?) {
            self.path = path; self.key = key; self.field = field; self.ancestor = ancestor; self.mine = mine; self.theirs = theirs
        }
    }

    public struct Submission: Sendable {
        public var commit: String, summary: String, state: String
        public var reviewer: String?, at: String?, reason: String?
        public init(commit: String, summary: String, state: String, reviewer: String?, at: String?, reason: String?) {
            self.commit = commit; self.summary = summary; self.state = state; self.reviewer = reviewer; self.at = at; self.reason = reason
        }
    }

    public struct Activity: Sendable {
        public var at: String
        public var outcome: String
        public var recorded: String?
        /// Per file: path, rows added, removed, changed.
        public var received: [(path: String, added: Int, removed: Int, changed: Int)]
        public var submitted: String?
        public var conflicts: Int
        public var heldBack: Int
        public var failure: Message?
        public init(at: String, outcome: String, recorded: String?, received: [(path: String, added: Int, removed: Int, changed: Int)],
                    submitted: String?, conflicts: Int, heldBack: Int, failure: Message?) {
            self.at = at; self.outcome = outcome; self.recorded = recorded; self.received = received; self.submitted = submitted
            self.conflicts = conflicts; self.heldBack = heldBack; self.failure = failure
        }
    }

    public struct HeldBack: Sendable {
        public var path: String
        public var findings: [Diagnostic]
        /// Whether a spreadsheet wrote it in its own dialect, which the Convert button turns into gpmsync's CSV.
        public var convertible: Bool
        public init(path: String, findings: [Diagnostic], convertible: Bool) { self.path = path; self.findings = findings; self.convertible = convertible }
    }

    public var orgUnit: String
    public var user: String
    /// synced, pending, offline, error or conflict; empty while not computed yet.
    public var state: String
    public var lastSync: String?
    public var lastAttempt: String?
    public var lastFailure: String?
    public var nextAttempt: String?
    public var syncing: Bool
    public var computedAt: String
    public var uncommitted: [String]
    public var outboxCommits: Int
    public var outboxFiles: [String]
    public var rows: (added: Int, removed: Int, changed: Int)
    /// Findings (errors) of the files held back, grouped by file in path order.
    public var heldBack: [HeldBack]
    public var conflicts: [Conflict]
    public var submissions: [Submission]
    public var activity: [Activity]
    public var warnings: [Message]

    public init(orgUnit: String, user: String, state: String, lastSync: String?, lastAttempt: String?, lastFailure: String?,
                nextAttempt: String?, syncing: Bool, computedAt: String, uncommitted: [String], outboxCommits: Int, outboxFiles: [String],
                rows: (added: Int, removed: Int, changed: Int), heldBack: [HeldBack], conflicts: [Conflict],
                submissions: [Submission], activity: [Activity], warnings: [Message]) {
        self.orgUnit = orgUnit; self.user = user; self.state = state; self.lastSync = lastSync; self.lastAttempt = lastAttempt
        self.lastFailure = lastFailure; self.nextAttempt = nextAttempt; self.syncing = syncing; self.computedAt = computedAt
        self.uncommitted = uncommitted; self.outboxCommits = outboxCommits; self.outboxFiles = outboxFiles; self.rows = rows
        self.heldBack = heldBack; self.conflicts = conflicts; self.submissions = submissions; self.activity = activity; self.warnings = warnings
    }
}

/// The staff's page of `gpmsync daemon --http`: the state at a glance, then what needs a person (conflicts,
/// held-back files, reviewers' outcomes), then the outbox and the recent syncs. Every action is a form that
/// carries the daemon's token and posts to the daemon, which calls the library the command line calls.
public enum StaffPage {
    /// A state as the glossary names it, with what it means for the person reading.
    public static func state(_ s: String, _ w: Words) -> (name: String, meaning: String) {
        switch s {
        case "synced": return (w("synced", "eşitlendi"), w("Everything is recorded and central has it.", "Her şey kaydedildi ve merkezde var."))
        case "pending": return (w("pending", "bekliyor"), w("Edits are recorded or waiting to be sent; the next sync sends them.", "Düzenlemeler kaydedildi ya da gönderilmeyi bekliyor; sonraki eşitleme gönderir."))
        case "offline": return (w("offline", "çevrimdışı"), w("Central cannot be reached. Work goes on: everything is kept here and sent when it can be.", "Merkeze ulaşılamıyor. Çalışmaya devam edebilirsiniz: her şey burada saklanır ve mümkün olunca gönderilir."))
        case "error": return (w("error", "hata"), w("A file is held back or the last sync failed; see below what to fix.", "Bir dosya bekletiliyor ya da son eşitleme başarısız oldu; aşağıda neyin düzeltileceğine bakın."))
        case "conflict": return (w("conflict", "çakışma"), w("Central and you changed the same value; choose which one stays below.", "Merkez ve siz aynı değeri değiştirdiniz; aşağıda hangisinin kalacağını seçin."))
        default: return (w("not known yet", "henüz bilinmiyor"), w("The state is being computed; reload the page in a moment.", "Durum hesaplanıyor; sayfayı birazdan yenileyin."))
        }
    }

    public static func render(_ c: PageContext, _ v: StaffOverview, token: String, flash: Flash? = nil) -> HTML {
        let w = c.words
        let (name, meaning) = state(v.state, w)
        let tokenField: HTML = "<input type=\"hidden\" name=\"token\" value=\"\(token)\">"
        let failure: HTML? = v.lastFailure.map { f -> HTML in "<dt>\(w("Last failure", "Son hata"))</dt><dd>\(f)</dd>" }
        let glance: HTML = """
            <section class="glance"><p><span class="state \(v.state)">\(name)</span> \(meaning)</p>
            <dl class="facts"><dt>\(w("Municipality", "Belediye"))</dt><dd>\(v.orgUnit)</dd><dt>\(w("User", "Kullanıcı"))</dt><dd>\(v.user)</dd>
            <dt>\(w("Last sync", "Son eşitleme"))</dt><dd>\(v.lastSync.map(Layout.when) ?? w("never", "hiç"))</dd>
            <dt>\(w("Next attempt", "Sonraki deneme"))</dt><dd>\(v.syncing ? w("syncing now", "şimdi eşitleniyor") : v.nextAttempt.map(Layout.when) ?? "—")</dd>
            \(failure)</dl>
            <form method="post" action="/sync">\(tokenField)<button type="submit" class="primary">\(w("Sync now", "Şimdi eşitle"))</button></form>
            <p class="meta">\(w("State computed at", "Durumun hesaplandığı an")) \(Layout.when(v.computedAt))</p></section>
            """
        let warnings: [HTML] = v.warnings.map { m -> HTML in "<p class=\"flash error\">\(w.text(m))</p>" }

        // Conflicts: one table per file, each cell side by side with its three choices.
        let byFile = Dictionary(grouping: v.conflicts, by: \.path)
        let conflictSections: [HTML] = byFile.keys.sorted().map { path -> HTML in
            let list = byFile[path]!
            let rows: [HTML] = list.map { k -> HTML in
                let alone = list.count == 1
                func side(_ value: String?, _ choice: String, _ label: String) -> HTML {
                    guard value != nil || alone else {
                        return "<span class=\"muted\">\(w("use the buttons for the whole file", "tüm dosya düğmelerini kullanın"))</span>"
                    }
                    return "<button type=\"submit\" name=\"choice\" value=\"\(choice)\">\(label)</button>"
                }
                let fieldLabel: HTML = k.field.isEmpty ? "" : "<span class=\"who\">\(k.field)</span>"
                return """
                    <tr data-key="\(k.key)" data-field="\(k.field)"><td><code>\(k.key.isEmpty ? w("whole file", "tüm dosya") : k.key)</code>\(fieldLabel)</td>
                    <td class="value">\(shown(k.ancestor, w))</td><td class="value mine">\(shown(k.mine, w))</td><td class="value theirs">\(shown(k.theirs, w))</td>
                    <td><form class="resolve" method="post" action="/resolve">\(tokenField)<input type="hidden" name="path" value="\(k.path)"><input type="hidden" name="key" value="\(k.key)"><input type="hidden" name="field" value="\(k.field)">
                    \(side(k.mine, "mine", w("Keep mine", "Benimkini koru"))) \(side(k.theirs, "theirs", w("Take theirs", "Merkezinkini al")))
                    <span class="another"><input name="value" aria-label="\(w("Another value", "Başka bir değer"))" placeholder="\(w("another value", "başka bir değer"))"> <button type="submit" name="choice" value="value">\(w("Use this value", "Bu değeri kullan"))</button></span></form></td></tr>
                    """
            }
            return """
                <section class="conflicts" data-path="\(path)"><h3><a href="/file\(query([("path", path)]))">\(path)</a></h3>
                <table><thead><tr><th>\(w("Record and column", "Kayıt ve sütun"))</th><th>\(w("Ancestor value", "Önceki değer"))</th><th>\(w("Mine", "Benimki"))</th><th>\(w("Theirs (central)", "Merkezinki"))</th><th>\(w("Choose", "Seçin"))</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                <form class="resolve-file" method="post" action="/resolve">\(tokenField)<input type="hidden" name="path" value="\(path)">
                <button type="submit" name="choice" value="all-mine">\(w("Keep mine for the whole file", "Tüm dosyada benimkini koru"))</button>
                <button type="submit" name="choice" value="all-theirs">\(w("Take theirs for the whole file", "Tüm dosyada merkezinkini al"))</button></form></section>
                """
        }
        let conflicts: HTML = v.conflicts.isEmpty ? "" : """
            <h2 id="conflicts">\(w("Conflicts", "Çakışmalar")) (\(v.conflicts.count))</h2>
            <p class="meta">\(w("Central and this computer changed the same value since they last agreed. Nothing is sent until you choose.", "Merkez ve bu bilgisayar, son uzlaştıklarından beri aynı değeri değiştirdi. Siz seçene kadar hiçbir şey gönderilmez."))</p>
            \(conflictSections)
            """

        let heldBack: [HTML] = v.heldBack.map { file -> HTML in
            let items: [HTML] = file.findings.prefix(20).map { d -> HTML in
                let at: HTML = d.line.map { n -> HTML in "<a href=\"/file\(query([("path", file.path)]))#L\(n)\">\(w("line", "satır")) \(n)</a> " } ?? ""
                let field: HTML? = d.field.map { f -> HTML in " [\(f)]" }
                return "<li class=\"\(d.severity.rawValue)\">\(at)<code>\(d.rule)</code>\(field) \(w.text(d.message))</li>"
            }
            let more: HTML = file.findings.count > 20 ? "<li class=\"muted\">\(w("\(file.findings.count - 20) more in the file", "dosyada \(file.findings.count - 20) bulgu daha"))</li>" : ""
            let convert: HTML = file.convertible ? """
                <form method="post" action="/import">\(tokenField)<input type="hidden" name="path" value="\(file.path)"><button type="submit" class="primary">\(w("Convert to gpmsync's CSV", "gpmsync CSV biçimine dönüştür"))</button></form>
                """ : ""
            return """
                <article class="held" data-path="\(file.path)"><h3><a href="/file\(query([("path", file.path)]))">\(file.path)</a></h3>
                <ul class="findings">\(items)\(more)</ul>\(convert)</article>
                """
        }
        let held: HTML = v.heldBack.isEmpty ? "" : """
            <h2 id="held">\(w("Held back", "Bekletilen dosyalar")) (\(v.heldBack.count))</h2>
            <p class="meta">\(w("These files are kept on this computer and not sent until they pass validation.", "Bu dosyalar bu bilgisayarda saklanır ve doğrulamadan geçene kadar gönderilmez."))</p>
            \(heldBack)
            """

        let submissions: [HTML] = v.submissions.map { s -> HTML in
            """
            <tr><td>\(Layout.chip(s.state, w))</td><td>\(s.summary)<span class="who">\(String(s.commit.prefix(10)))</span></td>
            <td>\(s.reviewer ?? "")</td><td class="meta">\(s.at.map(Layout.when) ?? "")</td><td class="reason">\(s.reason ?? "")</td></tr>
            """
        }
        let reviews: HTML = v.submissions.isEmpty ? "<p class=\"muted\">\(w("Nothing submitted yet.", "Henüz gönderim yok."))</p>" : """
            <table class="reviews"><thead><tr><th>\(w("State", "Durum"))</th><th>\(w("Submission", "Gönderim"))</th><th>\(w("Reviewer", "İnceleyici"))</th><th>\(w("When", "Ne zaman"))</th><th>\(w("Reason", "Gerekçe"))</th></tr></thead>
            <tbody>\(submissions)</tbody></table>
            """

        let outboxFiles: [HTML] = v.outboxFiles.map { f -> HTML in "<li><code>\(f)</code></li>" }
        let uncommitted: [HTML] = v.uncommitted.map { f -> HTML in "<li><code>\(f)</code></li>" }
        let outboxList: HTML = v.outboxFiles.isEmpty ? "" : "<ul class=\"outbox\">\(outboxFiles)</ul>"
        let uncommittedList: HTML = v.uncommitted.isEmpty ? "" : "<p class=\"meta\">\(w("Edited, not recorded yet:", "Düzenlendi, henüz kaydedilmedi:"))</p><ul>\(uncommitted)</ul>"
        let outbox: HTML = """
            <p>\(w("\(v.outboxFiles.count) file(s) to send: records +\(v.rows.added) −\(v.rows.removed) ~\(v.rows.changed)",
                   "gönderilecek \(v.outboxFiles.count) dosya: kayıtlar +\(v.rows.added) −\(v.rows.removed) ~\(v.rows.changed)"))</p>
            \(outboxList)
            \(uncommittedList)
            """

        let activity: [HTML] = v.activity.prefix(20).map { a -> HTML in
            var parts: [HTML] = []
            if let r = a.recorded { parts.append("<span>\(w("recorded", "kaydedildi")): \(r)</span>") }
            if !a.received.isEmpty {
                let files: [HTML] = a.received.prefix(10).map { r -> HTML in "<code>\(r.path)</code> +\(r.added) −\(r.removed) ~\(r.changed)" }
                parts.append("<span>\(w("received", "merkezden gelenler")): \(joinedHTML(files))</span>")
            }
            if let s = a.submitted { parts.append("<span>\(w("submitted", "gönderildi")): \(s)</span>") }
            if a.conflicts > 0 { parts.append("<span>\(w("\(a.conflicts) conflict(s)", "\(a.conflicts) çakışma"))</span>") }
            if a.heldBack > 0 { parts.append("<span>\(w("\(a.heldBack) finding(s) held back", "\(a.heldBack) bulgu nedeniyle bekletildi"))</span>") }
            if let f = a.failure { parts.append("<span>\(w.text(f))</span>") }
            return "<li><span class=\"meta\">\(Layout.when(a.at))</span> <span class=\"state \(a.outcome)\">\(state(a.outcome, w).name)</span> \(joinedHTML(parts, " · "))</li>"
        }
        let activityList: HTML = activity.isEmpty ? "<p class=\"muted\">\(w("No sync yet.", "Henüz eşitleme yok."))</p>" : "<ul class=\"activity\">\(activity)</ul>"
        let body: HTML = """
            \(warnings)\(glance)
            \(conflicts)\(held)
            <h2 id="reviews">\(w("Review outcomes", "İnceleme sonuçları"))</h2>\(reviews)
            <h2 id="outbox">\(w("Outbox", "Giden kutusu"))</h2>\(outbox)
            <h2 id="activity">\(w("Recent activity", "Son etkinlik"))</h2>
            \(activityList)
            <h2>\(w("Good practices", "İyi uygulamalar"))</h2>
            <p><a href="/practices">\(w("Your municipality's good practices", "Belediyenizin iyi uygulamaları"))</a> · <a href="/practice-template.md" download>\(w("An empty template for a new one", "Yenisi için boş şablon"))</a></p>
            """
        return Layout.page(c, title: w("Sync of \(v.orgUnit)", "\(v.orgUnit) belediyesinin eşitlemesi"), active: "staff", flash: flash, body)
    }

    static func shown(_ value: String?, _ w: Words) -> HTML {
        guard let value else { return "<span class=\"muted\">\(w("(absent)", "(yok)"))</span>" }
        if value.isEmpty { return "<span class=\"muted\">\(w("(empty)", "(boş)"))</span>" }
        return "<code>\(value)</code>"
    }

    static func joinedHTML(_ parts: [HTML], _ separator: String = ", ") -> HTML {
        HTML(trusted: parts.map(\.raw).joined(separator: htmlEscaped(separator)))
    }

    /// The staff's style, served after the console's.
    public static let css = """
        .glance{background:#fff;border:1px solid var(--line);padding:.8rem 1.1rem;max-width:900px}
        .state{display:inline-block;padding:.1rem .7rem;border-radius:1rem;font-weight:600;background:#e3e6ea}
        .state.synced{background:#d9f2dd;color:#1d6b2c}.state.pending{background:#dbe9fb;color:#174a85}.state.offline{background:#ececec;color:#444}
        .state.error,.state.refused{background:#fde0dc;color:#a12314}.state.conflict{background:#fff0c7;color:#7a5200}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.6rem 0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
        button.primary{background:#1f5fa8;color:#fff;border-color:#1f5fa8}
        article.held,section.conflicts{background:#fff;border:1px solid var(--line);padding:.6rem 1rem;margin:.8rem 0;max-width:1100px}
        article.held h3,section.conflicts h3{margin:.2rem 0 .4rem;font-size:1rem}
        td.value code{font-size:14px}td.mine{background:#eef5ff}td.theirs{background:#f3fbf3}
        form.resolve{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center;margin:0}form.resolve input[name=value]{width:9rem}
        form.resolve-file{display:flex;gap:.5rem;margin:.3rem 0}
        table.file{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}table.file td.n{color:var(--muted);text-align:right;user-select:none}
        table.file td.n a{color:inherit;text-decoration:none}table.file tr:target td,table.file tr.finding td{background:#fff4c2}
        table.file td.text{white-space:pre-wrap;word-break:break-all}table.file tr.note td{background:#fde0dc;color:#6d1409;font-family:system-ui,sans-serif}
        .reason{max-width:28rem}
        """
}
