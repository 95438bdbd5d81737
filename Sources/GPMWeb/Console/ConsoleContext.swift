import GPMCore
import GPMPages
import Hummingbird
import HummingbirdAuth

/// What a browser's session holds: who signed in (nil before sign-in) and the token every form must carry.
public struct ConsoleSession: Codable, Sendable, Equatable {
    public var user: String?
    public var csrf: String

    public init(user: String?) {
        self.user = user
        self.csrf = ConsoleSession.newToken()
    }

    static func newToken() -> String { FormToken.new() }
}

extension String {
    var leftPadded2: String { count == 1 ? "0" + self : self }
}

/// The request context of the console: the session, then what the middleware learned (user, language, form).
public struct ConsoleContext: SessionRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<ConsoleSession>
    /// The reviewer or admin this request acts for, set by `RequireReviewer`.
    public var user: String?
    public var language: Language = .en
    /// The fields of a posted form, read (and its token checked) by `CSRFCheck`.
    public var form: [String: String] = [:]

    public init(source: Source) {
        coreContext = .init(source: source)
        sessions = .init()
    }

    /// The page context for templates.
    func page(_ request: Request) -> PageContext {
        PageContext(language: language, user: user, csrf: sessions.session?.csrf ?? "", here: request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
    }
}
