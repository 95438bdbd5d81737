import Foundation
import GPMWeb
import Hummingbird
import HummingbirdTesting
import Prometheus
import TestSupport
import XCTest

/// The console through its router (no socket), on a real central made by the binary: a municipality
/// clone syncs a contribution, a reviewer signs in and decides, and the git CLI reads the notes.
final class ConsoleTests: XCTestCase, @unchecked Sendable {
    var fx: Fixture!
    var clone: String!
    var passwords: String!

    override func tearDown() { fx = nil }

    override func setUpWithError() throws {
        fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("elif", "reviewer", nil), ("root", "admin", nil)])
        clone = try fx.clone("k", org: "34-kadikoy", user: "ayse")
        try fx.write(clone, "municipalities/34-kadikoy/data/residents/2025Q1.csv",
                     Tables.residentsHeader + "TP,SYR,F,ALL,100,admin_register,,\"<script>alert(1)</script>\"\nTP,SYR,M,ALL,90,admin_register,,\n")
        try fx.gpmsync(["sync"], in: clone).check()
        passwords = fx.dir.sub("config/console-passwords")
        for user in ["elif", "ayse"] {
            try TestSupport.run(gpmsyncBinary, ["serve", "passwd", user, "--passwords", passwords], input: "correct horse battery\n").check()
        }
    }

    func configuration(trustProxy: Bool = false, guardLimit: Int = 5) -> ConsoleConfiguration {
        ConsoleConfiguration(central: fx.central, passwords: PasswordFile(path: passwords), trustProxy: trustProxy,
                             signInGuard: SignInGuard(limit: guardLimit))
    }

    var tip: String { get throws { try git(["rev-parse", "contrib/34-kadikoy"], in: fx.central) } }

    func note(_ commit: String) -> String? { try? git(["notes", "--ref=gpmsync-review", "show", commit], in: fx.central) }

    func testTheQueueNeedsASignedInReviewer() async throws {
        try await Application(router: Console.router(configuration())).test(.router) { client in
            let browser = Browser(client)
            let r = try await browser.get("/queue")
            XCTAssertEqual(r.status, .found)
            XCTAssertEqual(r.headers[.location], "/signin")
            try await browser.signIn("elif", "wrong password!").expect(.unauthorized)
            let ok = try await browser.signIn("elif", "correct horse battery")
            XCTAssertEqual(ok.status, .seeOther)
            let cookie = ok.headers[values: .setCookie].joined(separator: "\n")
            XCTAssertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie)
            let queue = try await browser.get("/queue")
            XCTAssertEqual(queue.status, .ok)
            XCTAssertTrue(queue.text.contains("data-org=\"34-kadikoy\""), queue.text)
            XCTAssertTrue(queue.text.contains("2025Q1"))
            XCTAssertTrue(queue.headers[.contentSecurityPolicy]?.contains("default-src 'none'") ?? false)
            let completeness = try await browser.get("/completeness")
            XCTAssertEqual(completeness.status, .ok, completeness.text)
            XCTAssertTrue(completeness.text.contains("data-dataset=\"residents\"") && completeness.text.contains("class=\"heatmap\""), completeness.text)
            try await browser.get("/practices").expect(.ok)
            // Signed out, the same cookie is worth nothing.
            try await browser.post("/signout", [:]).expect(.seeOther)
            try await browser.get("/queue").expect(.found)
        }
    }

    func testAContributionShowsItsDiffEscapedAndIsApproved() async throws {
        let tip = try self.tip
        try await Application(router: Console.router(configuration())).test(.router) { client in
            let browser = Browser(client)
            try await browser.signIn("elif", "correct horse battery").expect(.seeOther)
            let page = try await browser.get("/contributions/34-kadikoy")
            XCTAssertEqual(page.status, .ok, page.text)
            XCTAssertTrue(page.text.contains("value=\"\(tip)\""), "the form carries the full tip")
            XCTAssertTrue(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "a hostile value is escaped")
            XCTAssertFalse(page.text.contains("<script>"))
            XCTAssertTrue(page.text.contains("<svg"), "a chart per new measure")
            XCTAssertTrue(page.text.contains("ayse ·"), "who changed the cell")
            let approved = try await browser.post("/contributions/34-kadikoy/decision", ["tip": tip, "decision": "approve"])
            XCTAssertEqual(approved.status, .seeOther, approved.text)
            XCTAssertTrue(self.note(tip)?.contains("\"state\":\"approved\"") ?? false)
            XCTAssertTrue(self.note(tip)?.contains("\"reviewer\":\"elif\"") ?? false)
            XCTAssertNoThrow(try git(["merge-base", "--is-ancestor", tip, "main"], in: self.fx.central))
        }
    }

    func testRejectionNeedsAReasonAndAMovedTipIsRefused() async throws {
        let seen = try self.tip
        try await Application(router: Console.router(configuration())).test(.router) { client in
            let browser = Browser(client)
            try await browser.signIn("elif", "correct horse battery").expect(.seeOther)
            _ = try await browser.get("/contributions/34-kadikoy")
            let noReason = try await browser.post("/contributions/34-kadikoy/decision", ["tip": seen, "decision": "reject", "reason": "  "])
            XCTAssertEqual(noReason.status, .badRequest)
            XCTAssertTrue(noReason.text.contains("reason"), noReason.text)
            XCTAssertNil(self.note(seen))
            // The municipality sends more while the reviewer reads: the decision about what was seen is refused.
            try self.fx.write(self.clone, "municipalities/34-kadikoy/data/residents/2025Q1.csv",
                              Tables.residentsHeader + "TP,SYR,F,ALL,101,admin_register,,\nTP,SYR,M,ALL,90,admin_register,,\n")
            try self.fx.gpmsync(["sync"], in: self.clone).check()
            let moved = try self.tip
            XCTAssertNotEqual(moved, seen)
            let refused = try await browser.post("/contributions/34-kadikoy/decision", ["tip": seen, "decision": "reject", "reason": "counts look wrong"])
            XCTAssertEqual(refused.status, .conflict)
            XCTAssertTrue(refused.text.contains("moved"), refused.text)
            XCTAssertNil(self.note(moved))
            XCTAssertNil(self.note(seen))
            // With the new tip, the rejection and its reason reach the notes.
            let rejected = try await browser.post("/contributions/34-kadikoy/decision", ["tip": moved, "decision": "reject", "reason": "counts look wrong"])
            XCTAssertEqual(rejected.status, .seeOther)
            XCTAssertTrue(self.note(moved)?.contains("\"reason\":\"counts look wrong\"") ?? false)
            XCTAssertTrue(self.note(moved)?.contains("\"state\":\"rejected\"") ?? false)
        }
    }

    func testAFormWithoutItsTokenIsRefused() async throws {
        let tip = try self.tip
        try await Application(router: Console.router(configuration())).test(.router) { client in
            let browser = Browser(client)
            try await browser.signIn("elif", "correct horse battery").expect(.seeOther)
            for token in [nil, "", String(repeating: "0", count: 64)] {
                let r = try await browser.post("/contributions/34-kadikoy/decision", ["tip": tip, "decision": "approve"], token: token.map { Browser.Token.some($0) } ?? Browser.Token.none)
                XCTAssertEqual(r.status, .forbidden, "token \(token ?? "none")")
            }
            // Sign-in itself needs the page's token (no login CSRF).
            let fresh = Browser(client)
            try await fresh.post("/signin", ["user": "elif", "password": "correct horse battery"], token: .none).expect(.forbidden)
        }
        XCTAssertNil(note(tip))
        XCTAssertThrowsError(try git(["merge-base", "--is-ancestor", tip, "main"], in: fx.central))
    }

    func testAMunicipalityUserCannotSignIn() async throws {
        try await Application(router: Console.router(configuration())).test(.router) { client in
            let browser = Browser(client)
            let r = try await browser.signIn("ayse", "correct horse battery")
            XCTAssertEqual(r.status, .forbidden)
            XCTAssertTrue(r.text.contains("not a reviewer"), r.text)
            try await browser.get("/queue").expect(.found)
        }
    }

    func testRepeatedFailuresLockTheUserOut() async throws {
        try await Application(router: Console.router(configuration(guardLimit: 3))).test(.router) { client in
            let browser = Browser(client)
            for _ in 0..<3 { try await browser.signIn("elif", "not the password").expect(.unauthorized) }
            let locked = try await browser.signIn("elif", "correct horse battery")
            XCTAssertEqual(locked.status, .tooManyRequests)
            try await browser.get("/queue").expect(.found)
        }
    }

    func testOddAddressesAreAnsweredPlainly() async throws {
        try await Application(router: Console.router(configuration())).test(.router) { client in
            let browser = Browser(client)
            try await browser.signIn("elif", "correct horse battery").expect(.seeOther)
            for uri in ["/contributions/..%2F..%2Fmain", "/contributions/34-kadikoy%00", "/contributions/99-nowhere", "/contributions/HEAD"] {
                let r = try await browser.get(uri)
                XCTAssertEqual(r.status, .notFound, "\(uri): \(r.text)")
            }
            // The language switch goes back only to a page of this console.
            for back in ["//evil.example/x", "https://evil.example", "/\\evil.example", "queue"] {
                let r = try await browser.get("/language?to=tr&back=" + browser.enc(back))
                XCTAssertEqual(r.headers[.location], "/queue", back)
            }
            let local = try await browser.get("/language?to=tr&back=%2Fcompleteness")
            XCTAssertEqual(local.headers[.location], "/completeness")
        }
    }

    func testMetricsAreServed() async throws {
        try await Application(router: Console.router(configuration(), registry: PrometheusCollectorRegistry())).test(.router) { client in
            let r = try await client.execute(uri: "/metrics", method: .get)
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(r.headers[.contentType]?.hasPrefix("text/plain") ?? false)
        }
    }

    func testATrustedProxyNamesTheUser() async throws {
        try await Application(router: Console.router(configuration(trustProxy: true))).test(.router) { client in
            let r = try await client.execute(uri: "/queue", method: .get, headers: [ConsoleConfiguration.remoteUserHeader: "root"])
            XCTAssertEqual(r.status, .ok)
            let m = try await client.execute(uri: "/queue", method: .get, headers: [ConsoleConfiguration.remoteUserHeader: "ayse"])
            XCTAssertEqual(m.status, .forbidden)
        }
        try await Application(router: Console.router(configuration(trustProxy: false))).test(.router) { client in
            let r = try await client.execute(uri: "/queue", method: .get, headers: [ConsoleConfiguration.remoteUserHeader: "root"])
            XCTAssertEqual(r.status, .found, "without --trust-proxy the header is ignored")
        }
    }
}

/// A browser over the test client: keeps the cookies and the last page's CSRF token.
final class Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var token = ""

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        @discardableResult
        func expect(_ s: HTTPResponse.Status, file: StaticString = #filePath, line: UInt = #line) -> Page {
            XCTAssertEqual(status, s, text, file: file, line: line)
            return self
        }
    }

    func send(_ uri: String, _ method: HTTPRequest.Method, body: String? = nil) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let r = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for c in r.headers[values: .setCookie] {
            let pair = c.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if c.contains("Max-Age=0") || c.lowercased().contains("expires=thu, 01 jan 1970") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        let text = String(buffer: r.body)
        if let range = text.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression) {
            token = String(text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }
        return Page(status: r.status, headers: r.headers, text: text)
    }

    func get(_ uri: String) async throws -> Page { try await send(uri, .get) }

    enum Token { case page, none, some(String) }

    func post(_ uri: String, _ form: [String: String], token: Token = .page) async throws -> Page {
        var fields = form
        switch token {
        case .page: fields["csrf"] = self.token
        case .none: break
        case .some(let t): fields["csrf"] = t
        }
        let body = fields.map { "\(enc($0.key))=\(enc($0.value))" }.joined(separator: "&")
        return try await send(uri, .post, body: body)
    }

    func signIn(_ user: String, _ password: String) async throws -> Page {
        _ = try await get("/signin")
        return try await post("/signin", ["user": user, "password": password])
    }

    func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
}
