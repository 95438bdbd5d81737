import ArgumentParser
import Foundation
import GPMCore
import GPMSync

/// Options every command that works on a clone shares.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: "The data repository (default: the current folder).")
    var repo: String?

    @Option(name: .long, help: "Message language: en or tr (default: from LANG).")
    var lang: Language?

    /// With a failure, also what libgit2 or the system said, word for word (read by the error boundary).
    @Flag(name: .long, help: "On a failure, also print the underlying library's or system's own message.")
    var verbose = false

    var language: Language { lang ?? Language.fromEnvironment(ProcessInfo.processInfo.environment) }

    /// The repository root: `--repo`, else the nearest folder upwards that holds `.git`.
    var root: String {
        if let repo { return URL(fileURLWithPath: repo).standardizedFileURL.path }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(".git").path) { return dir.path }
            dir = dir.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }
}

extension Language: ExpressibleByArgument {}

/// `--format` of the commands that print a report: text for people, JSON for programs.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--format` of the commands that show a semantic diff, which also has a page of its own.
enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, html
}
