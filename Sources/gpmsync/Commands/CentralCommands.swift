import ArgumentParser
import Foundation
import GPMCore
import GPMSync

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
