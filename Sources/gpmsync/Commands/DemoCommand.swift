import ArgumentParser
import Foundation
import GPMCore
import GPMSync
import GPMDemo
import Logging

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The main job on an embedded default: central, three municipalities, an offline period, a conflict, a review.")

    @Option(help: "Where to build the demo (recreated on every run).")
    var dir: String = "Repos/demo"

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        // The story tells what happens; the central run's operator log would only interleave with it.
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        let started = Date()
        let end = try DemoStory(root: dir, language: options.language) { emitLines($0) }.run()
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        say(options.language, "\n(demo finished in \(seconds) s)", "\n(tanıtım \(seconds) saniyede tamamlandı)")
        guard end.mainHasKadikoy, end.karesiReceivedKadikoy, end.niluferSawRejection != nil, end.piiNeverCommitted, end.conflictResolved else {
            throw ExitCode(1)
        }
    }
}
