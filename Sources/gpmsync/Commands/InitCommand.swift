import ArgumentParser
import Foundation
import GPMCore
import GPMSync

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a municipality's clone of the central repository, hooks installed.")

    @Argument(help: "The folder to create.")
    var directory: String

    @Option(name: .customLong("org-unit"), help: "The municipality's code, like 34-kadikoy.")
    var orgUnit: String

    @Option(help: "URL of the central repository (ssh://, git://, https:// or a path).")
    var central: String

    @Option(help: "Who works in this clone (stored as gpmsync.user).")
    var user: String?

    @Option(name: .customLong("ssh-key"), help: "Private key file for ssh (stored as gpmsync.sshKey).")
    var sshKey: String?

    @Option(name: .customLong("token-file"), help: "File holding an https token, mode 0600 (gpmsync.tokenFile).")
    var tokenFile: String?

    @Option(name: .customLong("known-hosts"), help: "OpenSSH known_hosts file holding central's host key (gpmsync.knownHosts).")
    var knownHosts: String?

    @Option(name: .customLong("ca-file"), help: "PEM certificates of the authority that signed central's https certificate (gpmsync.caFile; default: the system's store).")
    var caFile: String?

    @Flag(help: "Show progress even when standard error is not a terminal (it is shown on a terminal anyway).")
    var progress = false

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let line = ProgressLine.make(forced: progress, language: options.language)
        defer { line?.finish() }
        var report: (@Sendable (CloneProgress) -> Void)?
        if let line { report = { line.report($0) } }
        try CloneSetup.create(at: directory, orgUnit: orgUnit, centralURL: central, user: user, sshKeyFile: sshKey,
                              tokenFile: tokenFile, knownHostsFile: knownHosts, caFile: caFile, progress: report)
        line?.finish()
        say(options.language, "\(directory): data repository ready for \(orgUnit)", "\(directory): \(orgUnit) belediyesinin veri deposu hazır")
    }
}
