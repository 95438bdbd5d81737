import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import GPMSync
import GPMDaemon

@main
struct GPMSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpmsync",
        abstract: "Offline-first sync of municipal migration records with GPM's central repository.",
        discussion: """
            Göç kayıtlarının GPM merkez deposuyla çevrimdışı öncelikli eşitlenmesi. Türkçe mesajlar için komutlara \
            --lang tr ekleyin (veya LANG=tr_TR.UTF-8); belediye çalışanları için kısa kılavuz README dosyasının \
            "Belediye çalışanları için" bölümündedir.
            """,
        version: gpmsyncVersion,
        subcommands: [
            InitCommand.self, CentralCommand.self, ValidateCommand.self, CommitCommand.self, SyncCommand.self,
            StatusCommand.self, DiffCommand.self, ConflictsCommand.self, ResolveCommand.self, ReviewCommand.self, HookCommand.self, DemoCommand.self, DaemonCommand.self, ServeCommand.self,
            ImportCommand.self, TemplateCommand.self, ExportCommand.self,
        ]
    )
}

extension GPMSyncCommand {
    /// Before anything else: a daemon asked to stop in its first moments stops cleanly (exit 0). Every
    /// failure, of parsing or of a command, ends in the one error boundary.
    static func main() async {
        // A peer that closes the connection mid-write (a git server, a browser, a closed pipe) must give
        // an error, not kill the process: libgit2 and the status server write to sockets without
        // MSG_NOSIGNAL. The daemon's sync children run this same main, so they ignore it too.
        signal(SIGPIPE, SIG_IGN)
        if CommandLine.arguments.dropFirst().first == "daemon" { EarlySignals.install() }
        Network.endProcess = { failure in
            emitError(ErrorBoundary.lines(failure, ErrorBoundary.language(CommandLine.arguments), verbose: ErrorBoundary.verbose(CommandLine.arguments)))
            Network.exitAbandoning(failure.exitCode.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            ErrorBoundary.exit(error)
        }
    }
}

let gpmsyncVersion = "0.1.0"
