import ArgumentParser
import Foundation
import GPMBench
import GPMSampleData
import GPMSync

/// `gpmsync-bench`: the benchmarks, shipped apart from `gpmsync` so the product binary carries no data
/// generator. It measures the `gpmsync` binary beside it (or `--binary`) as a process, as users run it.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpmsync-bench",
        abstract: "Benchmarks at Marmara scale against frictionless-py and the git CLI, measured in the same run.")

    @Argument(help: "What to measure: all, generate, validate, sync, clone, central, daemon, console, outliers, export.")
    var what: String = "all"

    @Option(help: "Workspace folder (the generated tree is kept there).")
    var workspace: String = ".build-bench"

    @Option(help: "The gpmsync binary to measure (default: the one beside gpmsync-bench).")
    var binary: String?

    @Option(help: "Municipalities to generate.") var municipalities: Int = 190
    @Option(help: "Months to generate.") var months: Int = 36
    @Option(help: "Series to generate: realistic (slowly moving counts) or noisy (the first generator's sawtooth).")
    var series: String = "realistic"

    func run() throws {
        let binary = binary ?? Executable.sibling("gpmsync")
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no gpmsync binary at \(binary): build it (swift build -c release) or pass --binary")
        }
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let bench = Benchmarks(workspace: workspace, binary: binary) { text in
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
        if what == "outliers" { bench.outliers(); return }
        guard let kind = MarmaraGenerator.Series(rawValue: series) else { throw ValidationError("--series: realistic or noisy") }
        if what == "all" || what == "generate" || !FileManager.default.fileExists(atPath: workspace + "/tree/datapackage.json") {
            _ = try bench.generate(municipalities: municipalities, months: months, series: kind)
        }
        if what == "all" { bench.outliers() }
        if what == "all" || what == "validate" { try bench.validation() }
        if what == "all" || what == "sync" { try bench.sync() }
        if what == "all" || what == "clone" { try bench.clone() }
        if what == "all" || what == "central" { try bench.central(contributions: municipalities) }
        if what == "all" || what == "daemon" { try bench.daemon() }
        if what == "all" || what == "console" { try bench.console() }
        if what == "all" || what == "export" { try bench.export() }
    }
}
