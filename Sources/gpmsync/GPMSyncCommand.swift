import ArgumentParser
import GPMSync

@main
struct GPMSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpmsync",
        abstract: "Offline-first sync of municipal migration records with GPM's central repository.",
        discussion: "Göç kayıtlarının GPM merkez deposuyla çevrimdışı öncelikli eşitlenmesi.",
        version: gpmsyncVersion,
        subcommands: [
            InitCommand.self, CentralCommand.self, ValidateCommand.self, CommitCommand.self, SyncCommand.self,
            StatusCommand.self, DiffCommand.self, ConflictsCommand.self, ResolveCommand.self, ReviewCommand.self, HookCommand.self, DemoCommand.self, DaemonCommand.self, BenchCommand.self,
        ]
    )
}

let gpmsyncVersion = "0.1.0"
