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

/// A request context that carries a posted form's fields.
public protocol FormContext: RequestContext {
    var form: [String: String] { get set }
}

/// Every request that changes something (any method but GET and HEAD) must carry, in its form field `field`,
/// the token `expected` gives for its context (the session's CSRF token in the console, the daemon's token on
/// the staff's page), compared in constant time; one without it is refused before any handler runs. The
/// form's fields are handed on in the context. One mechanism for both sites.
public struct FormTokenCheck<Context: FormContext>: RouterMiddleware {
    public static var maximumFormBytes: Int { 64 * 1024 }
    let field: String
    let expected: @Sendable (Context) -> String?
    let refusal: @Sendable (Context) -> Response

    public init(field: String, expected: @escaping @Sendable (Context) -> String?, refusal: @escaping @Sendable (Context) -> Response) {
        self.field = field; self.expected = expected; self.refusal = refusal
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var request = request
        var context = context
        let body = try await request.collectBody(upTo: Self.maximumFormBytes)
        let form = Form.parse(String(buffer: body))
        guard let expected = expected(context), let given = form[field], FormToken.matches(expected, given) else {
            context.logger.notice("refused a form without its token", metadata: ["path": .string(request.uri.path)])
            return refusal(context)
        }
        context.form = form
        return try await next(request, context)
    }
}

extension ConsoleContext: FormContext {}

/// The console's check: the CSRF token of the session the request comes with.
func csrfCheck() -> FormTokenCheck<ConsoleContext> {
    FormTokenCheck(field: "csrf", expected: { $0.sessions.session?.csrf }) { context in
        Pages.plain(.forbidden, Words(context.language)(
            "This form has expired or did not come from this console. Go back, reload the page and try again.",
            "Bu formun süresi dolmuş ya da bu konsoldan gelmemiş. Geri dönün, sayfayı yenileyin ve yeniden deneyin."))
    }
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
