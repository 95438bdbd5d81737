import ArgumentParser
import Foundation
import GPMCore
import GPMSync

/// Options every command that works on a clone shares.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: "The data repository (default: the current folder).")
    var repo: String?

    @Option(name: .long, help: "Message language: en or tr (default: from LANG).")
    var lang: String?

    var language: Language {
        lang.flatMap(Language.init(rawValue:)) ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)
    }

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

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, html
}

/// Prints a failure in the user's language and exits with the SPEC's code.
func fail(_ error: GPMError, _ language: Language) -> ExitCode {
    FileHandle.standardError.write(Data("gpmsync: \(language == .tr ? error.tr : error.en)\n".utf8))
    return ExitCode(error.exitCode.rawValue)
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value))
    FileHandle.standardOutput.write(Data("\n".utf8))
}
