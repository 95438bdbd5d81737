import ArgumentParser
import Foundation
import GPMCore
import GPMSync

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "What the git hooks in Hooks/ call.",
        subcommands: [PreCommitHook.self, PreReceiveHook.self])
}

struct PreCommitHook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pre-commit",
        abstract: "Validate the staged files of a clone; refuse the commit on an error.")

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let repo = try DataRepository(path: options.root)
        let diagnostics = try StagedValidation.run(repo)
        let lang = options.language
        for d in diagnostics { emitError(d.formatted(lang)) }
        if diagnostics.contains(where: \.isError) { throw ExitCode(1) }
    }
}

struct PreReceiveHook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pre-receive",
        abstract: "On the central repository: refuse pushes that break access rules or carry invalid records.")

    func run() throws {
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if let refusal = PreReceive.runHook(input: input, environment: ProcessInfo.processInfo.environment) {
            // The pusher's git prints these lines on their terminal: each is escaped.
            for line in refusal.split(separator: "\n", omittingEmptySubsequences: false) {
                emitError("gpmsync: \(String(line))")
            }
            throw ExitCode(1)
        }
    }
}
