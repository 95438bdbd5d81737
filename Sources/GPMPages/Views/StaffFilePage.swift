import GPMCore

/// One file of the municipality's folder with its findings at their lines: each line has an anchor (`#L12`)
/// that the findings on the staff's page link to, and a line with a finding is marked, its messages below it.
public enum StaffFilePage {
    /// At most this many lines are drawn (a table file holds a few hundred); findings past them are listed.
    public static let lineLimit = 5_000

    public static func render(_ c: PageContext, path: String, text: String?, findings: [Diagnostic], token: String, convertible: Bool) -> HTML {
        let w = c.words
        let byLine = Dictionary(grouping: findings.filter { $0.line != nil }, by: { $0.line! })
        func notes(_ ds: [Diagnostic]) -> [HTML] {
            ds.map { d -> HTML in
                let field: HTML? = d.field.map { f -> HTML in "[\(f)] " }
                return "<span class=\"\(d.severity.rawValue)\"><code>\(d.rule)</code> \(field)\(w.text(d.message))</span><br>"
            }
        }
        var rows: [HTML] = []
        var shownLines = 0
        if let text {
            var lines = text.physicalLines
            if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
            for (i, line) in lines.enumerated() {
                if i >= lineLimit { break }
                let n = i + 1
                let found = byLine[n]
                let content = String(line)
                rows.append("<tr id=\"L\(n)\"\(found == nil ? "" : HTML(trusted: " class=\"finding\""))><td class=\"n\"><a href=\"#L\(n)\">\(n)</a></td><td class=\"text\">\(content)</td></tr>")
                if let found { rows.append("<tr class=\"note\"><td></td><td>\(notes(found))</td></tr>") }
                shownLines = n
            }
        }
        let elsewhere = findings.filter { $0.line == nil || $0.line! > shownLines }
        let listed: [HTML] = elsewhere.map { d -> HTML in
            let at: String = d.line.map { "\(w("line", "satır")) \($0): " } ?? ""
            return "<li class=\"\(d.severity.rawValue)\">\(at)<code>\(d.rule)</code> \(w.text(d.message))</li>"
        }
        let general: HTML = elsewhere.isEmpty ? "" : "<ul class=\"findings\">\(listed)</ul>"
        let convert: HTML = convertible ? """
            <form method="post" action="/import"><input type="hidden" name="token" value="\(token)"><input type="hidden" name="path" value="\(path)"><button type="submit" class="primary">\(w("Convert to gpmsync's CSV", "gpmsync CSV biçimine dönüştür"))</button></form>
            """ : ""
        let table: HTML = text == nil
            ? "<p class=\"muted\">\(w("The file is not there (deleted, or not a file this page shows).", "Dosya yok (silinmiş ya da bu sayfanın gösterdiği bir dosya değil)."))</p>"
            : "<table class=\"file\"><tbody>\(rows)</tbody></table>"
        let body: HTML = """
            <p><a href="/">← \(w("Back to the sync page", "Eşitleme sayfasına dön"))</a></p>
            <p class="meta">\(w("\(findings.count) finding(s)", "\(findings.count) bulgu"))</p>
            \(general)\(convert)\(table)
            """
        return Layout.page(c, title: path, active: "staff", body)
    }
}

/// The municipality's own good-practice documents as they are in its folder, and the template for a new one.
public enum StaffPracticesPage {
    public static func render(_ c: PageContext, orgUnit: String, documents: [(id: String, title: String, body: String)]) -> HTML {
        let w = c.words
        let articles: [HTML] = documents.map { d -> HTML in
            "<article class=\"practice\" id=\"\(d.id)\"><h2>\(d.title)</h2><p class=\"meta\"><code>\(d.id)</code></p>\(Markdown.html(d.body))</article>"
        }
        let none: HTML = documents.isEmpty ? "<p class=\"muted\">\(w("No good-practice document yet.", "Henüz iyi uygulama belgesi yok."))</p>" : ""
        let body: HTML = """
            <p>\(w("Documents in", "Belgelerin yeri:")) <code>municipalities/\(orgUnit)/practices/</code>. <a href="/practice-template.md" download>\(w("Download an empty template for a new one", "Yenisi için boş şablonu indirin"))</a>
            \(w("(save it in that folder as gp-YEAR-NN-short-title.md; gpmsync sends it with the next sync).", "(o klasöre gp-YIL-NN-kisa-baslik.md adıyla kaydedin; gpmsync sonraki eşitlemede gönderir)."))</p>
            \(none)\(articles)
            """
        return Layout.page(c, title: w("Good practices of \(orgUnit)", "\(orgUnit) belediyesinin iyi uygulamaları"), active: "practices", body)
    }

    /// An empty good-practice document with every required field and section, in Turkish with English beside.
    public static func template(orgUnit: String, year: Int) -> String {
        """
        ---
        id: gp-\(year)-01-short-title
        title:
          tr: Uygulamanın adı
          en: Name of the practice
        municipality: \(orgUnit)
        period:
          start: \(year)-01-01
        status: ongoing        # pilot, ongoing, completed, discontinued
        themes: []             # codelists/themes.csv
        target_groups: []
        contact:
          unit: Müdürlüğün adı / name of the directorate
        ---
        ## Özet
        (Summary)

        ## Bağlam
        (Context)

        ## Faaliyetler
        (Activities)

        ## Sonuçlar
        (Results)

        ## Çıkarılan dersler
        (Lessons learned)

        """
    }
}
