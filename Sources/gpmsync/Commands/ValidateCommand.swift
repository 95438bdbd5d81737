import ArgumentParser
import Foundation
import GPMCore
import GPMSync

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate the working tree (or the given files); exit 1 on any error.")

    @Argument(help: "Files to validate (default: the whole repository).")
    var paths: [String] = []

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "List every finding (text output groups repeated findings per file and rule).")
    var all = false

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let root = options.root
        var validator = Validator(source: DirectorySource(root: root))
        if let repo = try? DataRepository(path: root) { validator.conflicts = ConflictStore(repository: repo).counts() }
        let entries: [FileEntry]
        if paths.isEmpty {
            entries = validator.source.files()
        } else {
            let cwd = FileManager.default.currentDirectoryPath
            let relative = paths.map { p -> String in
                let abs = p.hasPrefix("/") ? p : cwd + "/" + p
                let std = URL(fileURLWithPath: abs).standardizedFileURL.path
                return std.hasPrefix(root + "/") ? String(std.dropFirst(root.count + 1)) : p
            }
            entries = relative.compactMap { validator.source.entry(at: $0) }
        }
        // Written as found: a million findings never sit in memory at once.
        let report = ReportWriter(format: format == .text ? .text(options.language, all: all) : .json) { bytes in
            FileHandle.standardOutput.write(Data(bytes))
        }
        validator.validate(entries: entries) { report.add($0) }
        report.finish()
        if report.errors > 0 { throw ExitCode(1) }
    }
}

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
        do {
            let repo = try DataRepository(path: options.root)
            let diagnostics = try StagedValidation.run(repo)
            let lang = options.language
            for d in diagnostics { FileHandle.standardError.write(Data((d.formatted(lang) + "\n").utf8)) }
            if diagnostics.contains(where: \.isError) { throw ExitCode(1) }
        } catch let e as GPMError {
            throw fail(e, options.language)
        }
    }
}

struct PreReceiveHook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pre-receive",
        abstract: "On the central repository: refuse pushes that break access rules or carry invalid records.")

    func run() throws {
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if let refusal = PreReceive.runHook(input: input, environment: ProcessInfo.processInfo.environment) {
            FileHandle.standardError.write(Data("gpmsync: \(refusal)\n".utf8))
            throw ExitCode(1)
        }
    }
}
