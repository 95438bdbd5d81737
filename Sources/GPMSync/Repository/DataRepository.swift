import Foundation
import GPMCore
import Git

/// A municipality's clone of the data repository: its working tree, its git config, its private state.
public final class DataRepository {
    public let git: Repository
    /// The working tree, without a trailing slash.
    public let root: String

    public init(path: String) throws(GPMError) {
        do {
            git = try Repository.open(path)
        } catch {
            throw GPMError(.usage, en: "\(path) is not a gpmsync data repository; run the command in a municipality's folder made by 'gpmsync init', or give --repo",
                           tr: "\(path) klasörü bir gpmsync veri deposu değil; komutu 'gpmsync init' ile kurulan belediye klasöründe çalıştırın veya --repo verin",
                           detail: "\(error.function): \(error.message)")
        }
        guard let wd = git.workingDirectory else {
            throw GPMError(.usage, en: "\(path) is a bare repository; run this in a municipality clone",
                           tr: "\(path) çıplak bir depo; bunu bir belediye kopyasında çalıştırın")
        }
        root = String(wd.dropLast())
    }

    // MARK: Configuration

    public func setting(_ key: String) -> String? {
        guard let config = try? git.config() else { return nil }
        return (try? config.string(key)) ?? nil
    }

    public var orgUnit: String? { setting("gpmsync.orgUnit") }

    public var centralURL: String? { setting("remote.central.url") }

    /// Who is acting: `--user`, else `gpmsync.user`, else `GPMSYNC_USER`.
    public func user(override: String?) -> String? {
        override ?? setting("gpmsync.user") ?? ProcessInfo.processInfo.environment["GPMSYNC_USER"]
    }

    public func credentials() -> Credentials {
        Credentials(sshKeyFile: setting("gpmsync.sshKey"), tokenFile: setting("gpmsync.tokenFile"),
                    username: setting("gpmsync.user"), knownHostsFile: setting("gpmsync.knownHosts"),
                    caFile: setting("gpmsync.caFile"))
    }

    /// `gpmsync.timeout` in seconds (default 60).
    public var timeout: Duration { .seconds(Int(setting("gpmsync.timeout") ?? "") ?? 60) }

    /// Private state: `.git/gpmsync/`.
    public var stateDirectory: String { git.gitDirectory + "gpmsync" }

    public func signature(user: String? = nil) -> Signature {
        let name = user ?? self.user(override: nil) ?? "gpmsync"
        return .gpmsync(name, orgUnit: orgUnit)
    }

    /// Makes checkouts write a symlink from central as a plain file holding its target (`core.symlinks`
    /// false): a hostile central's `municipalities/<org>` → `/elsewhere` must never become a way out of the
    /// working tree for the files gpmsync or libgit2 write below it.
    public func checkOutSymlinksAsFiles() throws {
        let config = try git.config()
        if try config.string("core.symlinks") != "false" { try config.set("core.symlinks", "false") }
    }

    /// A validator over the working tree, with the conflicts recorded in this clone.
    public func workingTreeValidator() -> Validator {
        var v = Validator(source: DirectorySource(root: root))
        v.conflicts = ConflictStore(repository: self).counts()
        return v
    }
}
