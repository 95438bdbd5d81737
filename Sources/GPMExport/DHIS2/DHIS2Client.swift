import AsyncHTTPClient
import Foundation
import GPMSync
import Git
import NIOCore

/// What DHIS2 answered an import with: the import summary of `/api/dataValueSets`.
public struct DHIS2ImportSummary: Sendable, Codable, Equatable {
    public struct Conflict: Sendable, Codable, Equatable {
        public var object: String
        public var value: String
    }
    public var httpStatus: Int
    /// `SUCCESS`, `WARNING` or `ERROR`.
    public var status: String
    public var imported: Int
    public var updated: Int
    public var ignored: Int
    public var deleted: Int
    public var conflicts: [Conflict]
    public var description: String?
    public var dryRun: Bool

    /// Reads DHIS2's answer: since 2.38 the summary is wrapped in a web message (`response`), before that
    /// it is the whole body. A body without one is not an import summary (an error page, a proxy's answer).
    public init(httpStatus: Int, body: [UInt8], dryRun: Bool) throws(GPMError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw GPMError(.invalid, en: "DHIS2 answered HTTP \(httpStatus) without an import summary",
                           tr: "DHIS2 içe aktarma özeti olmadan HTTP \(httpStatus) ile yanıt verdi")
        }
        let summary = (object["response"] as? [String: Any]) ?? object
        guard let counts = summary["importCount"] as? [String: Any] else {
            let message = (object["message"] as? String).map { ": \($0)" } ?? ""
            throw GPMError(.invalid, en: "DHIS2 answered HTTP \(httpStatus) without an import summary\(message)",
                           tr: "DHIS2 içe aktarma özeti olmadan HTTP \(httpStatus) ile yanıt verdi\(message)")
        }
        func count(_ key: String) -> Int { (counts[key] as? NSNumber)?.intValue ?? 0 }
        self.httpStatus = httpStatus
        status = summary["status"] as? String ?? (httpStatus == 200 ? "SUCCESS" : "ERROR")
        imported = count("imported"); updated = count("updated"); ignored = count("ignored"); deleted = count("deleted")
        conflicts = (summary["conflicts"] as? [[String: Any]] ?? []).map {
            Conflict(object: "\($0["object"] ?? "")", value: "\($0["value"] ?? "")")
        }
        description = summary["description"] as? String
        self.dryRun = dryRun
    }

    /// Conflicts, or a status other than success, mean some values were not taken.
    public var hasConflicts: Bool { !conflicts.isEmpty || status == "ERROR" || status == "WARNING" }
}

/// Sends a data value set to a DHIS2 instance's `/api/dataValueSets`, with a personal access token.
public enum DHIS2Client {
    /// The endpoint for an instance's base URL (`https://dhis2.example.org`, or one already ending in the
    /// endpoint), with the import parameters.
    public static func endpoint(_ base: String, parameters: [(String, String)]) -> String {
        var url = base
        while url.hasSuffix("/") { url.removeLast() }
        if !url.hasSuffix("/api/dataValueSets") { url += "/api/dataValueSets" }
        guard !parameters.isEmpty else { return url }
        return url + "?" + parameters.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Reads the token (a file of mode 0600, refused otherwise) and posts `payload`. The token is sent only
    /// in the `Authorization: ApiToken …` header and appears in no message.
    public static func post(payload: [UInt8], contentType: String, to base: String, tokenFile: String, dryRun: Bool,
                            parameters: [(String, String)], timeout: Duration = .seconds(120)) async throws -> DHIS2ImportSummary {
        let token: String
        do { token = try readSecret(tokenFile) } catch {
            throw GPMError(.invalid, en: "\(error.message); the token was not sent", tr: "\(error.message); belirteç gönderilmedi")
        }
        guard !token.isEmpty, !token.contains(where: { $0.isNewline || $0 == "\r" }) else {
            throw GPMError(.invalid, en: "the token file \(tokenFile) holds no single-line token", tr: "\(tokenFile) belirteç dosyasında tek satırlık bir belirteç yok")
        }
        let url = endpoint(base, parameters: parameters + (dryRun ? [("dryRun", "true")] : []))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "ApiToken " + token)
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(payload)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await client.execute(request, timeout: .seconds(timeout.components.seconds))
            let body = try await response.body.collect(upTo: 64 << 20)
            try await client.shutdown()
            let status = Int(response.status.code)
            if status == 401 || status == 403 {
                throw GPMError(.invalid, en: "DHIS2 refused the token (HTTP \(status))", tr: "DHIS2 belirteci reddetti (HTTP \(status))")
            }
            return try DHIS2ImportSummary(httpStatus: status, body: Array(buffer: body), dryRun: dryRun)
        } catch let e as GPMError {
            try? await client.shutdown()
            throw e
        } catch {
            try? await client.shutdown()
            throw GPMError(.offline, en: "DHIS2 at \(base) could not be reached (\(error)); nothing was imported",
                           tr: "\(base) adresindeki DHIS2'ye ulaşılamadı (\(error)); hiçbir şey içe aktarılmadı")
        }
    }
}
