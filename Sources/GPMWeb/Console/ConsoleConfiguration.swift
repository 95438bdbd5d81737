import Foundation
import GPMSync
import Hummingbird

/// How `gpmsync serve` runs: which central, where it listens, where the passwords are, and whom it trusts.
public struct ConsoleConfiguration: Sendable {
    /// The bare central repository (a local path: the console runs on central).
    public var central: String
    public var host: String
    public var port: Int
    public var passwords: PasswordFile
    /// Take the user from the `REMOTE_USER` header a reverse proxy sets (it must always set or remove it).
    public var trustProxy: Bool
    /// Mark the session cookie Secure: the browser reaches the console through TLS (a proxy in front).
    public var secureCookies: Bool
    public var signInGuard: SignInGuard

    public static let remoteUserHeader = HTTPFields.Element.Name("REMOTE_USER")!

    public init(central: String, host: String = "127.0.0.1", port: Int = 8080, passwords: PasswordFile = PasswordFile(path: PasswordFile.defaultPath()),
                trustProxy: Bool = false, secureCookies: Bool = false, signInGuard: SignInGuard = SignInGuard()) {
        self.central = central
        self.host = host
        self.port = port
        self.passwords = passwords
        self.trustProxy = trustProxy
        self.secureCookies = secureCookies
        self.signInGuard = signInGuard
    }

    /// `ADDR:PORT` (`127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:8080`).
    public static func parseListen(_ text: String) throws -> (host: String, port: Int) {
        let bad = GPMError(.usage, en: "--listen takes ADDRESS:PORT, like 127.0.0.1:8080, not '\(text)'",
                           tr: "--listen ADRES:PORT alır (127.0.0.1:8080 gibi), '\(text)' değil")
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw bad }
        return (host, port)
    }

    /// A new session on the central repository: each request reads it afresh (the console keeps no copy).
    func openCentral() throws -> CentralSession { try CentralSession(location: central) }
}

extension CentralSession {
    /// True when `user` has role reviewer or admin in access.csv on `main`.
    func isReviewer(_ user: String) throws -> Bool {
        let role = try access()[user]?.role
        return role == .reviewer || role == .admin
    }
}
