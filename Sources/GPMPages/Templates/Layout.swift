import GPMCore

/// What every page of the console knows about the request it answers.
public struct PageContext: Sendable {
    public var words: Words
    /// The signed-in user; nil on the sign-in page.
    public var user: String?
    /// The session's CSRF token, put in every form.
    public var csrf: String
    /// The path and query of this page, to come back to after switching language.
    public var here: String
    /// Which site the page belongs to: the reviewers' console or the staff's page of a daemon.
    public var site: Site

    public enum Site: Sendable { case console, staff }

    public init(language: Language, user: String?, csrf: String, here: String, site: Site = .console) {
        self.words = Words(language)
        self.user = user
        self.csrf = csrf
        self.here = here
        self.site = site
    }
}

/// The frame of every page: header with the navigation, the user and the language switch, then the body.
public enum Layout {
    public static func page(_ c: PageContext, title: String, active: String = "", flash: Flash? = nil, _ body: HTML) -> HTML {
        let w = c.words
        let other = w.language == .tr ? "en" : "tr"
        let nav: HTML
        switch c.site {
        case .console:
            nav = c.user == nil ? "" : """
                <nav>\(link("/queue", w("Queue", "Kuyruk"), active == "queue"))\(link("/completeness", w("Completeness", "Eksiksizlik"), active == "completeness"))\(link("/practices", w("Good practices", "İyi uygulamalar"), active == "practices"))</nav>
                """
        case .staff:
            nav = "<nav>\(link("/", w("Sync", "Eşitleme"), active == "staff"))\(link("/practices", w("Good practices", "İyi uygulamalar"), active == "practices"))</nav>"
        }
        let home = c.site == .staff ? "/" : "/queue"
        let user: HTML = c.user.map { u -> HTML in """
            <form class="signout" method="post" action="/signout">\(csrfField(c))<span class="user">\(u)</span> <button type="submit">\(w("Sign out", "Oturumu kapat"))</button></form>
            """ } ?? ""
        let flashHTML: HTML = flash.map { f -> HTML in "<p class=\"flash \(f.kind.rawValue)\" role=\"status\">\(f.text)</p>" } ?? ""
        return """
            <!doctype html>
            <html lang="\(w.language.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · gpmsync</title><link rel="stylesheet" href="/style.css"></head>
            <body><header><a class="brand" href="\(home)">GPM · gpmsync</a>\(nav)<div class="right">\(user)<a class="lang" href="/language\(query([("to", other), ("back", c.here)]))">\(other == "tr" ? "Türkçe" : "English")</a></div></header>
            <main>\(flashHTML)<h1>\(title)</h1>
            \(body)</main></body></html>
            """
    }

    public static func csrfField(_ c: PageContext) -> HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(c.csrf)\">" }

    static func link(_ href: String, _ text: String, _ active: Bool) -> HTML {
        "<a href=\"\(href)\"\(active ? HTML(trusted: " class=\"active\" aria-current=\"page\"") : "")>\(text)</a>"
    }

    /// An ISO 8601 moment as people read it: `2025-04-02 10:15 UTC`.
    public static func when(_ iso: String) -> String {
        guard iso.count >= 16, iso.hasSuffix("Z") else { return iso }
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(5) + " UTC"
    }

    /// A state as a coloured chip.
    public static func chip(_ state: String, _ w: Words) -> HTML { "<span class=\"chip \(state)\">\(w.state(state))</span>" }

    /// The console's style sheet, served as `/style.css` (no asset from outside the binary).
    public static let css = """
        :root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9dce1;--bg:#f6f7f9;--accent:#1f5fa8}
        *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
        header{display:flex;align-items:center;gap:1.5rem;padding:.6rem 1.2rem;background:#17324d;color:#fff}
        header a{color:#dfe9f5;text-decoration:none}header a.brand{font-weight:600;color:#fff}header nav{display:flex;gap:1rem}
        header nav a.active{color:#fff;border-bottom:2px solid #fff}header .right{margin-left:auto;display:flex;gap:1rem;align-items:center}
        header form.signout{display:flex;gap:.5rem;align-items:center;margin:0}header button{font:inherit;font-size:13px}
        main{padding:1rem 1.4rem;max-width:1300px}h1{font-size:1.4rem;margin:.4rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
        table{border-collapse:collapse;background:#fff;margin:.3rem 0 1rem}th,td{border:1px solid var(--line);padding:.3rem .55rem;text-align:left;vertical-align:top}
        th{background:#eef1f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .chip{display:inline-block;padding:.05rem .55rem;border-radius:1rem;font-size:12px;font-weight:600;background:#e3e6ea}
        .chip.new{background:#e3e6ea}.chip.received{background:#dbe9fb;color:#174a85}.chip.invalid{background:#fde0dc;color:#a12314}
        .chip.has_issues{background:#fff0c7;color:#7a5200}.chip.approved{background:#d9f2dd;color:#1d6b2c}.chip.rejected{background:#f6d5e0;color:#8a1d44}
        td.changed{background:#fff4c2}td.changed del{color:#8a1d1d}td.changed ins{color:#1d6b2c;text-decoration:none;font-weight:600}
        tr.added td{background:#eefaf0}tr.removed td{background:#fdeeee;text-decoration:line-through;color:#7a2a2a}
        svg.series{display:block;margin-top:.2rem}
        .who{display:block;font-size:11px;color:var(--muted)}.muted{color:var(--muted)}
        form.filters{display:flex;gap:.8rem;align-items:end;flex-wrap:wrap;margin-bottom:.8rem}form.filters label{display:flex;flex-direction:column;font-size:13px}
        select,input,textarea,button{font:inherit}button{padding:.3rem .8rem;border:1px solid #8a96a3;border-radius:4px;background:#fff;cursor:pointer}
        button.approve{background:#1d6b2c;color:#fff;border-color:#1d6b2c}button.has_issues{background:#b07a00;color:#fff;border-color:#b07a00}button.reject{background:#a12314;color:#fff;border-color:#a12314}
        .decision{background:#fff;border:1px solid var(--line);padding:.8rem 1rem;margin:1rem 0;max-width:760px}.decision textarea{width:100%;min-height:4.5rem}
        .decision .buttons{display:flex;gap:.6rem;margin-top:.5rem}
        .flash{padding:.6rem .9rem;border-radius:4px;max-width:900px}.flash.error{background:#fde0dc;color:#6d1409}.flash.ok{background:#d9f2dd;color:#14501f}
        .findings li.error{color:#8a1d1d}.findings li.warning{color:#7a5200}
        .activity li{margin:.2rem 0}.meta{color:var(--muted);font-size:13px}
        .signin{background:#fff;border:1px solid var(--line);padding:1.2rem;max-width:360px}.signin label{display:block;margin:.5rem 0}.signin input{width:100%}
        .heat svg{background:#fff;border:1px solid var(--line)}.legend span{display:inline-block;margin-right:1rem;font-size:13px}
        .legend i{display:inline-block;width:12px;height:12px;margin-right:.3rem;vertical-align:-1px}
        .legend i.approved{background:#2e8b3e}.legend i.submitted{background:#5b8fd6}.legend i.late{background:#e0a100}.legend i.missing{background:#e4e6ea}
        article.practice{background:#fff;border:1px solid var(--line);padding:.8rem 1.1rem;margin:.8rem 0}
        article.practice .tags span{display:inline-block;background:#eef1f5;border-radius:3px;padding:0 .4rem;margin:0 .3rem .2rem 0;font-size:12px}
        """
}

/// A message shown at the top of the page after an action.
public struct Flash: Sendable {
    public enum Kind: String, Sendable { case ok, error }
    public var kind: Kind
    public var text: String
    public init(_ kind: Kind, _ text: String) { self.kind = kind; self.text = text }
}
