import Foundation
import GPMCore
import GPMPages
import GPMSync
import Hummingbird
import HummingbirdAuth
import Logging
import Metrics
import Prometheus

/// `gpmsync serve`: the reviewers' console. A router of small handlers over `ConsoleContext`; sessions,
/// CSRF, sign-in and the language are middleware. The handlers only translate a request into a call of the
/// library `gpmsync review` uses, and render its answer; the console keeps nothing but its sessions.
public enum Console {
    /// How long a session lasts without being used... and at most.
    static let sessionLifetime: Duration = .seconds(8 * 60 * 60)

    public static func router(_ configuration: ConsoleConfiguration, registry: PrometheusCollectorRegistry? = nil) -> Router<ConsoleContext> {
        let router = Router(context: ConsoleContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: SessionMiddleware(
            storage: MemoryPersistDriver(),
            configuration: .init(sessionCookieParameters: .init(name: "gpmsync_session", path: "/", secure: configuration.secureCookies, sameSite: .strict),
                                 defaultSessionExpiration: sessionLifetime)))
        router.add(middleware: LanguageChoice())
        router.add(middleware: csrfCheck())

        if let registry {
            router.get("metrics") { _, _ -> Response in
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
            }
        }
        router.get("style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Layout.css)))
        }
        router.get("language") { request, context -> Response in
            let to = request.uri.queryParameters["to"].flatMap { Language(rawValue: String($0)) } ?? .en
            var response = Response.redirect(to: localPath(request.uri.queryParameters["back"].map(String.init)), type: .found)
            response.setCookie(Cookie(name: "lang", value: to.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                      secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
            return response
        }
        SignIn(configuration: configuration).register(on: router)

        let reviewer = router.group().add(middleware: RequireReviewer(configuration: configuration))
        reviewer.get("/") { _, _ in Response.redirect(to: "/queue", type: .found) }
        reviewer.get("queue") { request, context in
            let user = context.user!
            let (items, provinces) = try await Blocking.run { try QueueReading.items(try configuration.openCentral(), reviewer: user) }
            let q = request.uri.queryParameters
            return Pages.html(QueuePage.render(context.page(request), items: items, provinces: provinces,
                                               state: q["state"].map(String.init) ?? "", province: q["province"].map(String.init) ?? "",
                                               flash: doneFlash(request, context)))
        }
        reviewer.get("contributions/:org") { request, context in
            let org = try context.parameters.require("org")
            guard isOrgUnit(org) else { return Pages.plain(.notFound, Words(context.language)("No such municipality.", "Böyle bir belediye yok.")) }
            let user = context.user!
            let all = request.uri.queryParameters["columns"] == "all"
            do {
                let view = try await Blocking.run { try ContributionReading.view(try configuration.openCentral(), reviewer: user, org: org, allColumns: all, language: context.language) }
                return Pages.html(ContributionPage.render(context.page(request), view))
            } catch let e as GPMError {
                return Pages.plain(.notFound, context.language == .tr ? e.tr : e.en)
            }
        }
        reviewer.get("completeness") { request, context in
            let view = try await Blocking.run { try CompletenessReading.view(try configuration.openCentral()) }
            return Pages.html(CompletenessPage.render(context.page(request), view))
        }
        reviewer.get("practices") { request, context in
            let language = context.language
            let practices = try await Blocking.run { try PracticeReading.practices(try configuration.openCentral(), language: language) }
            let q = request.uri.queryParameters
            return Pages.html(PracticesPage.render(context.page(request), practices, theme: q["theme"].map(String.init) ?? "",
                                                   province: q["province"].map(String.init) ?? "", group: q["group"].map(String.init) ?? ""))
        }
        reviewer.post("contributions/:org/decision") { request, context in
            try await decide(request, context, configuration)
        }
        return router
    }

    /// Approve, has issues or reject: through `Review`, exactly as `gpmsync review` does. Refused (and the
    /// page shown again with the reason) when the tip moved since the page was rendered, when a reason is
    /// missing, or when the contribution cannot be merged.
    static func decide(_ request: Request, _ context: ConsoleContext, _ configuration: ConsoleConfiguration) async throws -> Response {
        let org = try context.parameters.require("org")
        guard isOrgUnit(org) else { return Pages.plain(.notFound, Words(context.language)("No such municipality.", "Böyle bir belediye yok.")) }
        let user = context.user!
        let tip = context.form["tip"] ?? ""
        let reason = context.form["reason"] ?? ""
        let decision = context.form["decision"] ?? ""
        let w = Words(context.language)
        do {
            try await Blocking.run {
                let review = try Review(session: try configuration.openCentral(), reviewer: user)
                switch decision {
                case "approve": _ = try review.approve(org: org, expectedTip: tip)
                case "has_issues": try review.sendBack(org: org, state: .has_issues, reason: reason, expectedTip: tip)
                case "reject": try review.sendBack(org: org, state: .rejected, reason: reason, expectedTip: tip)
                default: throw GPMError(.usage, en: "choose approve, has issues or reject", tr: "onayla, düzeltme iste veya reddet seçin")
                }
            }
            context.logger.info("decision", metadata: ["org": .string(org), "decision": .string(decision), "reviewer": .string(user)])
            return .redirect(to: "/queue" + query([("done", decision), ("org", org)]), type: .normal)
        } catch let e as GPMError {
            var message = w(e.en, e.tr)
            if e.en.contains(" moved to ") {
                message += w(" — the page now shows what the branch holds; review it again.", " — sayfa şimdi katkının güncel hâlini gösteriyor; yeniden inceleyin.")
            }
            let status: HTTPResponse.Status = e.exitCode == .usage ? .badRequest : .conflict
            do {
                let view = try await Blocking.run { try ContributionReading.view(try configuration.openCentral(), reviewer: user, org: org, allColumns: false, language: context.language) }
                var response = Pages.html(ContributionPage.render(context.page(request), view, flash: Flash(.error, message)))
                response.status = status
                return response
            } catch {
                return Pages.plain(status, message)
            }
        }
    }

    /// The message after a decision, from the redirect's query (only the known decisions are shown).
    static func doneFlash(_ request: Request, _ context: ConsoleContext) -> Flash? {
        let w = Words(context.language)
        guard let done = request.uri.queryParameters["done"], let org = request.uri.queryParameters["org"] else { return nil }
        let state = done == "approve" ? "approved" : done == "reject" ? "rejected" : done == "has_issues" ? "has_issues" : nil
        guard let state else { return nil }
        return Flash(.ok, w("\(org): \(w.state(state))", "\(org) belediyesinin katkısı: \(w.state(state))"))
    }

    /// A path on this server to go back to, never an address elsewhere (`//host`, `https://…`).
    static func localPath(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"),
              !path.unicodeScalars.contains(where: { $0.value < 0x21 }) else { return "/queue" }
        return path
    }

    /// Runs the console until SIGTERM or SIGINT: logs through swift-log, request metrics on `/metrics`.
    public static func run(_ configuration: ConsoleConfiguration) async throws {
        try configuration.passwords.check(centralDirectory: configuration.central)
        _ = try configuration.openCentral()
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "gpmsync.serve")
        logger.logLevel = .info
        try await application(configuration, registry: registry, logger: logger).runService()
    }

    /// The application: listens where configured, logs through swift-log.
    public static func application(_ configuration: ConsoleConfiguration, registry: PrometheusCollectorRegistry? = nil, logger: Logger) -> some ApplicationProtocol {
        Application(router: router(configuration, registry: registry),
                    server: .http1(configuration: .init(idleTimeout: .seconds(60))),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gpmsync"),
                    logger: logger)
    }
}

/// Responses of the console.
enum Pages {
    static func html(_ page: HTML) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.raw)))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
