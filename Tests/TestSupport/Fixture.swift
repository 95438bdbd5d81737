import Foundation
import GPMSync

/// A central repository with users, one `git daemon` per user (each started with that user's
/// `GPMSYNC_USER`, so the pre-receive hook knows who pushes), and municipality clones made by the binary.
public final class Fixture {
    public let dir = TemporaryDirectory("gpmsync-e2e")
    public var central: String { dir.sub("srv/central.git") }
    /// The same per-user servers the demo uses.
    public let servers: LoopbackGitServers

    public init(users: [(name: String, role: String, org: String?)]) throws {
        servers = LoopbackGitServers(base: dir.sub("srv"))
        try gpmsync(["central", "init", central]).check()
        for u in users {
            var args = ["central", "grant", u.name, "--role", u.role, "--central", central]
            if let org = u.org { args += ["--org-unit", org] }
            try gpmsync(args).check()
        }
        for u in users { try startServer(u.name) }
    }

    deinit { servers.stopAll() }

    /// Runs the gpmsync binary.
    @discardableResult
    public func gpmsync(_ args: [String], in directory: String? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        try run(gpmsyncBinary, args, in: directory, environment: env.merging(["LANG": "C"], uniquingKeysWith: { a, _ in a }))
    }

    public func url(_ user: String) -> String { servers.url(user) }

    public func port(_ user: String) -> UInt16 { servers.port(user) }

    /// (Re)starts the user's server on the same port as before.
    public func startServer(_ user: String) throws { try servers.start(user) }

    /// Takes the user's server away: for them central is unreachable.
    public func stopServer(_ user: String) { servers.stop(user) }

    /// A municipality clone made with `gpmsync init`.
    public func clone(_ name: String, org: String, user: String) throws -> String {
        let path = dir.sub(name)
        try gpmsync(["init", path, "--org-unit", org, "--central", url(user), "--user", user]).check()
        return path
    }

    public func write(_ clone: String, _ path: String, _ text: String) throws {
        try TestSupport.write(text, to: clone + "/" + path)
    }

    /// A file of central's branch, nil when absent.
    public func centralFile(_ ref: String, _ path: String) -> String? {
        try? git(["show", "\(ref):\(path)"], in: central)
    }
}

extension ProcessResult {
    /// Throws unless the process exited 0.
    @discardableResult
    public func check() throws -> ProcessResult {
        guard status == 0 else { throw TestFailure("exit \(status): \(stdout)\n\(stderr)") }
        return self
    }
}

public enum Tables {
    public static let residentsHeader = "legal_status,nationality,sex,age_group,count,source,missing_reason,comment\n"
    public static let servicesHeader = "service_area,legal_status,nationality,sex,age_group,unique_beneficiaries,service_contacts,source,missing_reason,comment\n"

    /// A residents table with the given counts for (nationality, sex) pairs, without totals.
    public static func residents(_ rows: [(String, String, Int)]) -> String {
        residentsHeader + rows.map { "TP,\($0.0),\($0.1),ALL,\($0.2),admin_register,," }.joined(separator: "\n") + "\n"
    }
}
