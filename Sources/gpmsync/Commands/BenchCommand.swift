import ArgumentParser
import Foundation
import GPMBench

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks at Marmara scale against frictionless-py and the git CLI, measured in the same run.")

    @Argument(help: "What to measure: all, generate, validate, sync, clone, central, daemon, outliers.")
    var what: String = "all"

    @Option(help: "Workspace folder (the generated tree is kept there).")
    var workspace: String = ".build-bench"

    @Option(help: "Municipalities to generate.") var municipalities: Int = 190
    @Option(help: "Months to generate.") var months: Int = 36
    @Option(help: "Series to generate: realistic (slowly moving counts) or noisy (the first generator's sawtooth).")
    var series: String = "realistic"

    func run() throws {
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let bench = Benchmarks(workspace: workspace, binary: binary) { emitLines($0) }
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
    }
}
