import ArgumentParser
import Foundation
import GPMCore
import Git
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
        let absolute = { (p: String?) in p.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }
        let line = ProgressLine.make(forced: progress, language: options.language)
        defer { line?.finish() }
        var report: (@Sendable (CloneProgress) -> Void)?
        if let line { report = { line.report($0) } }
        let credentials = Credentials(sshKeyFile: absolute(sshKey), tokenFile: absolute(tokenFile), username: user,
                                      knownHostsFile: absolute(knownHosts), caFile: absolute(caFile))
        try CloneSetup.create(at: directory, orgUnit: orgUnit, centralURL: central, user: user,
                              credentials: credentials, progress: report)
        line?.finish()
        say(options.language, "\(directory): data repository ready for \(orgUnit)", "\(directory): \(orgUnit) belediyesinin veri deposu hazır")
    }
}

struct CentralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "GPM's side: the central repository.",
        subcommands: [CentralInitCommand.self, CentralGrantCommand.self, CentralProcessCommand.self])
}

struct CentralInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a bare central repository with the schema, code lists, access.csv and the pre-receive hook.")

    @Argument(help: "The folder to create.")
    var directory: String

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        try CentralSetup.create(at: directory)
        say(options.language, "\(directory): central repository ready", "\(directory): merkez depo hazır")
    }
}

struct CentralGrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Add a user to access.csv on the central repository's main (an admin's task).")

    @Argument(help: "The user name, as the server identifies the pusher.")
    var user: String

    @Option(help: "municipality, reviewer or admin.")
    var role: String

    @Option(name: .customLong("org-unit"), help: "For a municipality user: the org unit.")
    var orgUnit: String?

    @Option(help: "The central bare repository (default: the current folder).")
    var central: String = "."

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        guard let r = AccessList.Role(rawValue: role) else { throw ValidationError("--role must be municipality, reviewer or admin") }
        try CentralSetup.grant(central: central, user: user, role: r, orgUnit: orgUnit)
        emit("\(user): \(role)")
    }
}
