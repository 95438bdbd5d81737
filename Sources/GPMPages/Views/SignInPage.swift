/// The sign-in form: user name and password, with the pre-session's CSRF token.
public enum SignInPage {
    public static func render(_ c: PageContext, user: String = "", flash: Flash? = nil) -> HTML {
        let w = c.words
        let body: HTML = """
            <form class="signin" method="post" action="/signin">\(Layout.csrfField(c))
            <label>\(w("User name (as in access.csv)", "Kullanıcı adı (access.csv'deki gibi)"))<input name="user" value="\(user)" autocomplete="username" required autofocus></label>
            <label>\(w("Password", "Parola"))<input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">\(w("Sign in", "Oturum aç"))</button></form>
            <p class="meta">\(w("For GPM's reviewers and administrators. Municipalities see their outcomes in gpmsync status.",
                               "GPM inceleyicileri ve yöneticileri içindir. Belediyeler sonuçları gpmsync status ile görür."))</p>
            """
        return Layout.page(c, title: w("Reviewers' console", "İnceleyici konsolu"), flash: flash, body)
    }

    public static func message(_ c: PageContext, title: String, text: String) -> HTML {
        Layout.page(c, title: title, "<p>\(text)</p>")
    }
}
