import Foundation
import Git

/// The tips a reviewer has been shown, per central repository and org unit, so that a decision taken
/// without `--tip` is about what the reviewer saw: approving a branch that moved since is refused.
/// Kept in the user's cache folder (`review-seen.json`), written atomically.
public struct ReviewerMemory {
    public let file: String

    public init(file: String = CentralSession.cacheDirectory() + "/review-seen.json") { self.file = file }

    /// The tip a decision is about: the one given, else the one `review show` last showed for this central.
    public func reviewedTip(_ tip: String?, org: String, session: CentralSession) throws -> String {
        guard let expected = tip ?? seen()[key(session, org)] else {
            throw GPMError(.usage, en: "run 'gpmsync review show \(org)' first (or give --tip with the full id)",
                           tr: "önce 'gpmsync review show \(org)' çalıştırın (veya --tip ile tam kimliği verin)")
        }
        return expected
    }

    /// Records that `tip` of `org` was shown.
    public func remember(_ tip: String, org: String, session: CentralSession) throws {
        var s = seen()
        s[key(session, org)] = tip
        try AtomicFile.write([UInt8](try JSONEncoder().encode(s)), to: file)
    }

    func seen() -> [String: String] {
        guard let d = FileManager.default.contents(atPath: file) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: d)) ?? [:]
    }

    func key(_ session: CentralSession, _ org: String) -> String { "\(session.git.gitDirectory)#\(org)" }
}

extension CentralSession {
    /// The central repository a command works on: `central` as given, else the clone's remote, else the
    /// current folder; with the clone's credentials and timeout when there is a clone.
    public static func open(_ central: String?, clone: DataRepository?) throws -> CentralSession {
        let location = central ?? clone?.centralURL ?? FileManager.default.currentDirectoryPath
        return try CentralSession(location: location, credentials: clone?.credentials() ?? Credentials(),
                                  timeout: clone?.timeout ?? .seconds(60))
    }

    /// Who is acting: the name given, else the clone's `gpmsync.user`, else `GPMSYNC_USER`.
    public static func actor(_ explicit: String?, clone: DataRepository?) -> String? {
        explicit ?? clone?.setting("gpmsync.user") ?? ProcessInfo.processInfo.environment["GPMSYNC_USER"]
    }
}
