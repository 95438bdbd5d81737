/// One approved good-practice document.
public struct Practice: Sendable {
    public var id: String
    public var org: String
    public var municipality: String
    public var plate: String
    public var province: String
    public var title: String
    public var status: String
    public var start: String
    public var themes: [String]
    public var targetGroups: [String]
    public var body: String
    public init(id: String, org: String, municipality: String, plate: String, province: String, title: String, status: String,
                start: String, themes: [String], targetGroups: [String], body: String) {
        self.id = id; self.org = org; self.municipality = municipality; self.plate = plate; self.province = province; self.title = title
        self.status = status; self.start = start; self.themes = themes; self.targetGroups = targetGroups; self.body = body
    }
}

/// The catalogue of approved good practices, filtered by theme, province and target group.
public enum PracticesPage {
    public static func render(_ c: PageContext, _ practices: [Practice], theme: String, province: String, group: String) -> HTML {
        let w = c.words
        let shown = practices.filter {
            (theme.isEmpty || $0.themes.contains(theme)) && (province.isEmpty || $0.plate == province) && (group.isEmpty || $0.targetGroups.contains(group))
        }
        func options(_ values: [(String, String)], _ selected: String, all: String) -> HTML {
            ([QueuePage.option("", all, selected)] + values.map { QueuePage.option($0.0, $0.1, selected) }).joined()
        }
        let themes = Set(practices.flatMap(\.themes)).sorted().map { ($0, $0) }
        let groups = Set(practices.flatMap(\.targetGroups)).sorted().map { ($0, $0) }
        var seen: [String: String] = [:]
        for p in practices { seen[p.plate] = p.province }
        let provinces = seen.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }.map { ($0.key, "\($0.key) \($0.value)") }
        let articles: [HTML] = shown.map { p -> HTML in
            let tags: [HTML] = (p.themes + p.targetGroups).map { t -> HTML in "<span>\(t)</span>" }
            return """
                <article class="practice" id="\(p.id)"><h2>\(p.title)</h2>
                <p class="meta">\(p.municipality) · \(p.province) · \(p.status) · \(w("since", "başlangıç")) \(p.start)</p>
                <p class="tags">\(tags)</p>\(Markdown.html(p.body))</article>
                """
        }
        let body: HTML = """
            <form class="filters" method="get" action="/practices">
            <label>\(w("Theme", "Tema"))<select name="theme">\(options(themes, theme, all: w("all themes", "tüm temalar")))</select></label>
            <label>\(w("Province", "İl"))<select name="province">\(options(provinces, province, all: w("all provinces", "tüm iller")))</select></label>
            <label>\(w("Target group", "Hedef grup"))<select name="group">\(options(groups, group, all: w("all groups", "tüm gruplar")))</select></label>
            <button type="submit">\(w("Filter", "Süz"))</button></form>
            <p class="meta">\(w("\(shown.count) of \(practices.count) approved documents", "\(practices.count) onaylı belgeden \(shown.count) tanesi"))</p>
            \(articles)
            """
        return Layout.page(c, title: w("Good practices", "İyi uygulamalar"), active: "practices", body)
    }
}
