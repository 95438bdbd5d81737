import Foundation
import GPMSync
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// `--http 127.0.0.1:PORT`: the staff's page (`StaffSite`), `/status` (the JSON of `gpmsync status`) and
/// `/metrics` (Prometheus text), all served from the last computed state (`StatusSnapshot`). For this computer only: it listens on a
/// loopback address and answers only requests addressed to it (a web page whose name was rebound to
/// 127.0.0.1 sends its own name as Host). Idle or half-sent connections are closed after a few seconds
/// and at most `maxConnections` are open at once, so a flood of them holds no more than that many
/// descriptors and never starves the sync.
enum StatusServer {
    static let maxConnections = 64
    static let idleTimeout: Int64 = 10

    static func make(address: LoopbackAddress, snapshot: StatusSnapshot, registry: PrometheusCollectorRegistry, logger: Logger,
                     staff: StaffSite) -> some Service {
        let router = Router(context: StaffContext.self)
        router.add(middleware: HostCheck(accepted: address.hostHeaders))
        staff.register(on: router)
        router.get("status") { _, _ -> Response in
            guard let served = await snapshot.served else { return notYet() }
            return Response(status: served.failed ? .internalServerError : .ok,
                            headers: [.contentType: served.failed ? "text/plain; charset=utf-8" : "application/json",
                                      .lastModified: httpDate(served.computedAt)],
                            body: .init(byteBuffer: ByteBuffer(bytes: served.body)))
        }
        router.get("metrics") { _, _ -> Response in
            // The gauges of the outbox and the conflicts were recorded with the last computed status.
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        return Application(router: router,
                           server: .http1(configuration: .init(idleTimeout: .seconds(idleTimeout), httpDecoderConfiguration: .init(
                               maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 64))),
                           configuration: .init(address: .hostname(address.bindHost, port: address.port),
                                                availableConnectionsDelegate: .maximum(maxConnections, logger: logger)),
                           logger: logger)
    }

    static func notYet() -> Response {
        Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "1"],
                 body: .init(byteBuffer: ByteBuffer(string: "status not computed yet; try again in a moment\ndurum henüz hesaplanmadı; birazdan yeniden deneyin\n")))
    }

    static func httpDate(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: date)
    }
}

/// Refuses a request whose Host is not an address this server listens on (DNS rebinding).
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    let accepted: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // NIO moves the first Host header to the authority; a second one would be left among the fields.
        let another = request.headers.contains { $0.name.canonicalName == "host" }
        guard let host = request.head.authority?.lowercased(), accepted.contains(host), !another else {
            return Response(status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "only requests to this computer's own address are answered\nyalnızca bu bilgisayarın kendi adresine gelen istekler yanıtlanır\n")))
        }
        return try await next(request, context)
    }
}

/// Where `--http` listens: a loopback address and a port, as `127.0.0.1:PORT` (any 127.x.y.z),
/// `localhost:PORT` or `[::1]:PORT`. Any other address is refused: the status shows the municipality's
/// files and findings, for this computer only.
public struct LoopbackAddress: Sendable, Equatable {
    /// The address to bind, as an IP literal (localhost binds 127.0.0.1, never what a resolver says).
    public var bindHost: String
    public var port: Int
    /// The address as it appears in a Host header: `127.0.0.1` or `[::1]`.
    var hostLiteral: String

    public init(parsing text: String) throws(GPMError) {
        let refuse = GPMError(.usage,
            en: "--http takes a loopback address and a port (127.0.0.1:PORT, localhost:PORT or [::1]:PORT), not '\(text)': the status server is for this computer only",
            tr: "--http bir geri döngü adresi ve port alır (127.0.0.1:PORT, localhost:PORT veya [::1]:PORT), '\(text)' değil: durum sunucusu yalnızca bu bilgisayar içindir")
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { throw refuse }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw refuse }
            host = parts[0]
            portText = parts[1]
        }
        guard let port = Int(portText), (1...65535).contains(port), portText.allSatisfy(\.isASCII) else { throw refuse }
        self.port = port
        var v4 = in_addr()
        var v6 = in6_addr()
        if host.lowercased() == "localhost" && !text.hasPrefix("[") {
            bindHost = "127.0.0.1"
            hostLiteral = "127.0.0.1"
        } else if !text.hasPrefix("["), inet_pton(AF_INET, String(host), &v4) == 1, UInt32(bigEndian: v4.s_addr) >> 24 == 127 {
            bindHost = String(host)
            hostLiteral = String(host)
        } else if text.hasPrefix("["), inet_pton(AF_INET6, String(host), &v6) == 1,
                  withUnsafeBytes(of: &v6, { Array($0) }) == [UInt8](repeating: 0, count: 15) + [1] {
            bindHost = "::1"
            hostLiteral = "[::1]"
        } else {
            throw refuse
        }
    }

    /// The Host headers a request to this server may carry.
    var hostHeaders: Set<String> {
        var names = ["\(hostLiteral):\(port)", "localhost:\(port)"]
        if port == 80 { names += [hostLiteral, "localhost"] }
        return Set(names)
    }
}
