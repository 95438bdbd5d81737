import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A certificate authority made by the test with `openssl`, and the server certificates it signs.
public final class TestCertificateAuthority {
    public let directory: String
    /// The authority's certificate (PEM): what `gpmsync.caFile` names.
    public let certificate: String
    private let key: String

    public init(directory: String, name: String = "GPM test CA") throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory + "/issued", withIntermediateDirectories: true)
        certificate = directory + "/ca.crt"
        key = directory + "/ca.key"
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                     "-days", "3", "-subj", "/CN=\(name)"])
        try write("", to: directory + "/index.txt")
        try write("01\n", to: directory + "/serial")
        try write("""
        [ ca ]
        default_ca = test
        [ test ]
        database = \(directory)/index.txt
        new_certs_dir = \(directory)/issued
        serial = \(directory)/serial
        default_md = sha256
        policy = anything
        copy_extensions = copy
        unique_subject = no
        [ anything ]
        commonName = supplied

        """, to: directory + "/ca.cnf")
    }

    /// A key and certificate for `host` (its subjectAltName) in one PEM file, as lighttpd wants it.
    /// `expired` makes one whose validity ended in 2020.
    public func serverCertificate(host: String, expired: Bool = false) throws -> String {
        let base = directory + "/\(host)\(expired ? "-expired" : "")"
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out", base + ".csr",
                     "-subj", "/CN=\(host)", "-addext", "subjectAltName=DNS:\(host)"])
        let validity = expired ? ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"] : ["-days", "2"]
        try openssl(["ca", "-batch", "-notext", "-config", directory + "/ca.cnf", "-cert", certificate, "-keyfile", key,
                     "-in", base + ".csr", "-out", base + ".crt"] + validity)
        let pem = try String(contentsOfFile: base + ".crt", encoding: .utf8) + String(contentsOfFile: base + ".key", encoding: .utf8)
        try write(pem, to: base + ".pem", mode: 0o600)
        return base + ".pem"
    }

    private func openssl(_ arguments: [String]) throws {
        let r = try run("/usr/bin/openssl", arguments)
        guard r.status == 0 else { throw TestFailure("openssl \(arguments.first ?? "") failed: \(r.stderr)") }
    }
}

/// Smart HTTP over TLS on loopback: lighttpd running `git http-backend` as a CGI for the repositories under
/// `base`, with basic authentication from a file of `user:token` lines, so `REMOTE_USER` names the pusher
/// for the central repository's pre-receive hook. Runs as the current user on a free port.
///
/// lighttpd rather than nginx or apache2: one process and one small config file, CGI built in (nginx needs
/// fcgiwrap as a second daemon), runs in the foreground as any user, and Debian's package is small.
public final class SmartHTTPServer {
    public let directory: String
    public let port: UInt16
    /// The host name the URLs use (the certificate's name; it resolves to loopback).
    public let host: String
    private var server: ServerProcess?

    /// `users`: name → token. `certificate`: a PEM file with the server's certificate and key.
    public init(directory: String, base: String, users: [String: String], certificate: String, host: String = "localhost") throws {
        self.directory = directory
        self.host = host
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try write(users.map { "\($0.key):\($0.value)\n" }.sorted().joined(), to: directory + "/users", mode: 0o600)
        // ServerProcess counts lighttpd as up once it holds the listening socket itself (it exits at once
        // when the port is taken, and another port is tried).
        let started = try ServerProcess("/usr/sbin/lighttpd") { port in
            let log = directory + "/error-\(port).log"
            try write("""
            server.document-root = "\(directory)"
            server.bind = "127.0.0.1"
            server.port = \(port)
            server.errorlog = "\(log)"
            server.modules = ( "mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi", "mod_openssl" )
            ssl.engine = "enable"
            ssl.pemfile = "\(certificate)"
            auth.backend = "plain"
            auth.backend.plain.userfile = "\(directory)/users"
            auth.require = ( "/git/" => ( "method" => "basic", "realm" => "GPM central", "require" => "valid-user" ) )
            alias.url = ( "/git/" => "/usr/lib/git-core/git-http-backend/" )
            $HTTP["url"] =~ "^/git/" {
              cgi.assign = ( "" => "" )
              setenv.add-environment = ( "GIT_PROJECT_ROOT" => "\(base)", "GIT_HTTP_EXPORT_ALL" => "" )
            }

            """, to: directory + "/lighttpd.conf")
            return ["-D", "-f", directory + "/lighttpd.conf"]
        }
        server = started
        port = started.port
    }

    /// The https URL of a repository under `base`.
    public func url(_ repository: String, host: String? = nil) -> String {
        "https://\(host ?? self.host):\(port)/git/\(repository)"
    }

    /// The same URL with a user and token in it, for the git CLI.
    public func url(_ repository: String, user: String, token: String) -> String {
        "https://\(user):\(token)@\(host):\(port)/git/\(repository)"
    }

    public func stop() { server?.stop() }

    deinit { stop() }
}
