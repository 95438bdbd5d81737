import ArgumentParser
import Foundation
import GPMCore
import GPMSync

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate the working tree (or the given files and folders); exit 1 on any error.")

    @Argument(help: "Files or folders to validate (default: the whole repository).")
    var paths: [String] = []

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @Flag(help: "List every finding (text output groups repeated findings per file and rule).")
    var all = false

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let root = options.root
        let source = DirectorySource(root: root)
        let validator = (try? DataRepository(path: root))?.workingTreeValidator() ?? Validator(source: source)
        let named = paths.isEmpty ? nil : try entries(source)
        // Written as found: a million findings never sit in memory at once.
        let report = ReportWriter(format: format == .text ? .text(options.language, all: all) : .json) { bytes in
            FileHandle.standardOutput.write(Data(bytes))
        }
        if let named { validator.validate(entries: named) { report.add($0) } } else { validator.validateAll { report.add($0) } }
        report.finish()
        if report.errors > 0 { throw ExitCode(1) }
    }

    /// The files the arguments name: a file, or every file under a folder. A path that does not exist, or
    /// lies outside the repository, is a usage error: validating nothing must not look like success.
    func entries(_ source: DirectorySource) throws -> [FileEntry] {
        let cwd = FileManager.default.currentDirectoryPath
        var result: [FileEntry] = []
        for p in paths {
            // A relative path is the shell's (from the current folder) when it names something there inside
            // the repository, else the repository's (as `--repo DIR` and the JSON report's paths read).
            let fromHere = URL(fileURLWithPath: p.hasPrefix("/") ? p : cwd + "/" + p).standardizedFileURL.path
            let inside = fromHere == source.root || fromHere.hasPrefix(source.root + "/")
            let absolute = p.hasPrefix("/") || (inside && FileManager.default.fileExists(atPath: fromHere))
                ? fromHere : URL(fileURLWithPath: source.root + "/" + p).standardizedFileURL.path
            let relative: String
            if absolute == source.root { relative = "" }
            else if absolute.hasPrefix(source.root + "/") { relative = String(absolute.dropFirst(source.root.count + 1)) }
            else {
                throw GPMError(.usage, en: "\(p) is outside the repository \(source.root)", tr: "\(p), \(source.root) deposunun dışında")
            }
            guard let found = source.entries(at: relative) else {
                throw GPMError(.usage, en: "\(p) does not exist", tr: "\(p) yolu yok")
            }
            result += found
        }
        return result
    }
}
