import ArgumentParser
import Foundation
import GPMDaemon
import GPMSync

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Watch the working tree and sync continuously (debounce gpmsync.debounce, interval gpmsync.interval).")

    @Option(help: "Serve /status and /metrics on HOST:PORT (loopback by default, e.g. 127.0.0.1:9464).")
    var http: String?

    @OptionGroup var options: RepositoryOptions

    func run() async throws {
        var address: (String, Int)?
        if let http {
            let parts = http.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--http needs HOST:PORT") }
            address = (String(parts[0]), port)
        }
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        try await Daemon.run(.init(root: options.root, binary: binary, http: address))
    }
}
