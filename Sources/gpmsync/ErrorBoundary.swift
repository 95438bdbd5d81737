import ArgumentParser
import Foundation
import GPMCore
import GPMSync

/// The one place where a failure becomes an exit code and a message. Library code throws `GPMError`s,
/// which carry the SPEC's exit code and both languages (network failures are mapped where they happen,
/// to offline or refused); everything else that reaches here is mapped to 2: a libgit2 error that no
/// library code translated, a command-line mistake (unknown flag, subcommand or value: not
/// ArgumentParser's 64), anything unexpected. Messages are escaped for the terminal: they carry paths and values.
enum ErrorBoundary {
    static func exit(_ error: Error, arguments: [String] = CommandLine.arguments) -> Never {
        let language = language(arguments)
        if let e = GPMError.translating(error) { report(e, language) }
        switch error {
        case let e as ExitCode:
            Foundation.exit(e.rawValue)
        default:
            let code = GPMSyncCommand.exitCode(for: error)
            if code == .success { GPMSyncCommand.exit(withError: error) } // --help, --version
            if code == .validationFailure {
                let details = GPMSyncCommand.fullMessage(for: error)
                    .split(separator: "\n", omittingEmptySubsequences: false)
                    .map { TerminalText(value: String($0)) }
                if language == .tr { emitError("gpmsync: komut satırı geçersiz (ayrıntılar aşağıda; yardım için --help)") }
                for line in details { emitError(line) }
                Foundation.exit(GPMError.ExitCode.usage.rawValue)
            }
            report(GPMError(.usage, en: "internal error: \(error)", tr: "iç hata: \(error)"), language)
        }
    }

    static func report(_ error: GPMError, _ language: Language) -> Never {
        emitError("gpmsync: \(language == .tr ? error.tr : error.en)")
        Foundation.exit(error.exitCode.rawValue)
    }

    /// `--lang` as given (the arguments may not have parsed), else the environment's.
    static func language(_ arguments: [String]) -> Language {
        for (i, a) in arguments.enumerated() {
            if a == "--lang", i + 1 < arguments.count, let l = Language(rawValue: arguments[i + 1]) { return l }
            if a.hasPrefix("--lang="), let l = Language(rawValue: String(a.dropFirst(7))) { return l }
        }
        return Language.fromEnvironment(ProcessInfo.processInfo.environment)
    }
}
