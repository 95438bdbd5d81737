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
                sayError(language, "gpmsync: the command line is not valid (details below; --help for help)",
                         "gpmsync: komut satırı geçersiz (ayrıntılar aşağıda; yardım için --help)")
                for line in details { emitError(line) }
                Foundation.exit(GPMError.ExitCode.usage.rawValue)
            }
            report(GPMError(.usage, en: "internal error; run the command again with --verbose and send its output to GPM",
                            tr: "iç hata; komutu --verbose ile yeniden çalıştırıp çıktısını GPM'ye gönderin",
                            detail: "\(error)"), language)
        }
    }

    static func report(_ error: GPMError, _ language: Language, arguments: [String] = CommandLine.arguments) -> Never {
        emitError(lines(error, language, verbose: verbose(arguments)))
        Foundation.exit(error.exitCode.rawValue)
    }

    /// The failure in the user's language, each of its lines escaped on its own (a refusal carries the
    /// server's lines); with `--verbose` (or `GPMSYNC_TRACE`) also what libgit2 or the system said.
    static func lines(_ error: GPMError, _ language: Language, verbose: Bool) -> TerminalText {
        let message = error.message.text(language).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var text: TerminalText = "gpmsync: \(message[0])"
        for line in message.dropFirst() { text += "\n\(line)" }
        if verbose, let detail = error.detail {
            text += language == .tr ? "\ngpmsync: ayrıntı: \(detail)" : "\ngpmsync: detail: \(detail)"
        }
        return text
    }

    /// `--verbose` as given (the arguments may not have parsed), or `GPMSYNC_TRACE` in the environment.
    static func verbose(_ arguments: [String]) -> Bool {
        arguments.contains("--verbose") || ProcessInfo.processInfo.environment["GPMSYNC_TRACE"] != nil
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
