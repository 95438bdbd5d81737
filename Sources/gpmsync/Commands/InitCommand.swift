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

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        try CloneSetup.create(at: directory, orgUnit: orgUnit, centralURL: central, user: user, sshKeyFile: sshKey,
                              tokenFile: tokenFile, knownHostsFile: knownHosts)
        say(options.language, "\(directory): data repository ready for \(orgUnit)", "\(directory): \(orgUnit) belediyesinin veri deposu hazır")
    }
}
