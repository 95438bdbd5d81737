import Foundation
import GPMCore
import GPMPages
import GPMSync
import Hummingbird
import HummingbirdAuth

/// Headers on every answer: no script, no frame, no sniffing, nothing cached, no referrer sent away.
public struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// The reader's language: the `lang` cookie set by the switch in the header, else Accept-Language.
struct LanguageChoice: RouterMiddleware {
    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var context = context
        if let cookie = request.cookies["lang"]?.value, let lang = Language(rawValue: String(cookie)) {
            context.language = lang
        } else {
            context.language = Words.language(acceptLanguage: request.headers[.acceptLanguage])
        }
        return try await next(request, context)
    }
}

/// Every request that changes something (any method but GET and HEAD) must carry, in its form, the CSRF
/// token of the session it comes with; one without a session, a form or the token is refused before any
/// handler runs. The form's fields are handed on in the context.
struct CSRFCheck: RouterMiddleware {
    static let maximumFormBytes = 64 * 1024

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var request = request
        var context = context
        let body = try await request.collectBody(upTo: Self.maximumFormBytes)
        let form = Form.parse(String(buffer: body))
        guard let expected = context.sessions.session?.csrf, let given = form["csrf"], constantTimeEqual(expected, given) else {
            context.logger.notice("refused a form without its session's token", metadata: ["path": .string(request.uri.path)])
            return Pages.plain(.forbidden, Words(context.language)(
                "This form has expired or did not come from this console. Go back, reload the page and try again.",
                "Bu formun süresi dolmuş ya da bu konsoldan gelmemiş. Geri dönün, sayfayı yenileyin ve yeniden deneyin."))
        }
        context.form = form
        return try await next(request, context)
    }

    func constantTimeEqual(_ a: String, _ b: String) -> Bool { FormToken.matches(a, b) }
}

/// Only reviewers and admins of access.csv on central `main`, checked on every request (a role taken away
/// takes effect at the next click). The user comes from the session, or from `REMOTE_USER` when the console
/// trusts its reverse proxy. Anyone else is sent to the sign-in page.
struct RequireReviewer: RouterMiddleware {
    let configuration: ConsoleConfiguration

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var context = context
        var user = context.sessions.session?.user
        if configuration.trustProxy, let remote = request.headers[ConsoleConfiguration.remoteUserHeader], !remote.isEmpty {
            if user != remote {
                // A new identity from the proxy: a new session (and token) for it.
                context.sessions.createSession(ConsoleSession(user: remote))
                user = remote
            }
        }
        guard let user else { return .redirect(to: "/signin", type: .found) }
        let allowed = try await Blocking.run { try configuration.openCentral().isReviewer(user) }
        guard allowed else {
            context.sessions.clearSession()
            return Pages.plain(.forbidden, Words(context.language)(
                "\(user) is not a reviewer or administrator in access.csv.", "\(user), access.csv içinde inceleyici veya yönetici değil."))
        }
        context.user = user
        return try await next(request, context)
    }
}

/// Repository work off the server's threads: libgit2 calls block.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
