import Foundation
import GPMCore
import GPMPages
import GPMSync
import Hummingbird
import HummingbirdAuth

/// Sign-in and sign-out. A browser gets a session (and a token) before it signs in, so the sign-in form
/// carries a token like every other; signing in replaces that session with a new one (a new id), so an id
/// planted before sign-in is worth nothing after it.
struct SignIn {
    let configuration: ConsoleConfiguration

    func register(on router: Router<ConsoleContext>) {
        router.get("signin") { request, context -> Response in
            if context.sessions.session == nil { context.sessions.createSession(ConsoleSession(user: nil)) }
            return Pages.html(SignInPage.render(context.page(request)))
        }
        router.post("signin") { request, context -> Response in
            try await signIn(request, context)
        }
        router.post("signout") { _, context -> Response in
            context.sessions.clearSession()
            return .redirect(to: "/signin", type: .normal)
        }
    }

    func signIn(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let w = Words(context.language)
        let user = (context.form["user"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = context.form["password"] ?? ""
        func refuse(_ status: HTTPResponse.Status, _ text: String) -> Response {
            var response = Pages.html(SignInPage.render(context.page(request), user: user, flash: Flash(.error, text)))
            response.status = status
            return response
        }
        let wrong = w("Wrong user name or password.", "Kullanıcı adı veya parola yanlış.")
        guard !user.isEmpty, user.utf8.count <= 200 else { return refuse(.unauthorized, wrong) }
        if await configuration.signInGuard.isLocked(user) {
            context.logger.warning("sign-in refused: locked out", metadata: ["user": .string(user)])
            return refuse(.tooManyRequests, w("Too many failed attempts for this user. Try again in 15 minutes.",
                                              "Bu kullanıcı için çok fazla başarısız deneme oldu. 15 dakika sonra yeniden deneyin."))
        }
        let passwords = configuration.passwords
        let ok = try await Blocking.run { passwords.verify(user: user, password: password) }
        guard ok else {
            await configuration.signInGuard.failed(user)
            context.logger.notice("sign-in failed", metadata: ["user": .string(user)])
            return refuse(.unauthorized, wrong)
        }
        let allowed = try await Blocking.run { try configuration.openCentral().isReviewer(user) }
        guard allowed else {
            context.logger.notice("sign-in refused: not a reviewer", metadata: ["user": .string(user)])
            return refuse(.forbidden, w("\(user) is not a reviewer or administrator in access.csv; municipalities see their outcomes in gpmsync status.",
                                        "\(user), access.csv içinde inceleyici veya yönetici değil; belediyeler sonuçları gpmsync status ile görür."))
        }
        await configuration.signInGuard.succeeded(user)
        context.sessions.createSession(ConsoleSession(user: user))
        context.logger.info("signed in", metadata: ["user": .string(user)])
        return .redirect(to: "/queue", type: .normal)
    }
}
