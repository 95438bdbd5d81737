import ArgumentParser
import Foundation
import GPMDaemon
import GPMSync

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Watch the working tree and sync continuously (debounce gpmsync.debounce, interval gpmsync.interval).")

    @Option(help: "Serve the staff's page, /status and /metrics on a loopback HOST:PORT (127.0.0.1:9464, localhost:9464 or [::1]:9464).")
    var http: String?

    @OptionGroup var options: RepositoryOptions

    func run() async throws {
        let address = try http.map { text throws(GPMError) in try LoopbackAddress(parsing: text) }
        try await Daemon.run(.init(root: options.root, binary: Executable.path, http: address))
    }
}
