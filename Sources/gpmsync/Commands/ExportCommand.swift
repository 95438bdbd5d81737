import ArgumentParser
import Foundation
import GPMCore
import GPMExport
import GPMSync

extension Exporter.Format: ExpressibleByArgument {}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export central main for exchange and publication: DHIS2, HXL, a Frictionless data package.",
        discussion: """
        hxl and datapackage suppress counts from 1 to N-1 (--suppress, default 5) and as many further cells as it \
        takes that none can be worked out from the published totals; dhis2 and dhis2-csv suppress nothing unless \
        asked. --post sends the DHIS2 set to URL/api/dataValueSets with the token of --token-file (mode 0600).
        """)

    @Option(help: "dhis2, dhis2-csv, hxl or datapackage.") var format: Exporter.Format
    @Option(help: "Folder to write into (default: export-FORMAT).") var out: String?
    @Option(help: "Suppress counts from 1 to N-1 (default 5 for hxl and datapackage, none for dhis2).") var suppress: Int?
    @Option(help: "Only periods from this one on (2025, 2025Q1 or 2025-03).") var since: String?
    @Option(help: "The central repository: a local path to the bare repository, or its URL (default: the clone's central/main).")
    var central: String?
    @Option(help: "Send the DHIS2 data value set to this DHIS2 instance (its base URL).") var post: String?
    @Option(name: .customLong("token-file"), help: "File holding the DHIS2 personal access token, mode 0600.") var tokenFile: String?
    @Flag(name: .customLong("dry-run"), help: "Ask DHIS2 to check the set without saving it (dryRun=true).") var dryRun = false
    @Option(help: "Report format: text or json.") var report: ReportFormat = .text
    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if post != nil && format != .dhis2 && format != .dhis2CSV {
            throw ValidationError("--post sends a DHIS2 set: use it with --format dhis2 or dhis2-csv")
        }
        if post != nil && tokenFile == nil { throw ValidationError("--post needs --token-file") }
        if post == nil && (tokenFile != nil || dryRun) { throw ValidationError("--token-file and --dry-run go with --post") }
        if let suppress, suppress < 0 { throw ValidationError("--suppress: a count, 0 for none") }
        if let since, Period(since) == nil { throw ValidationError("--since: a period such as 2025, 2025Q1 or 2025-03") }
    }

    func run() async throws {
        let language = options.language
        let directory = URL(fileURLWithPath: out ?? "export-\(format.rawValue)").standardizedFileURL.path
        let snapshot = try MainSnapshot.open(central: central, root: options.root)
        let exporter = Exporter(format: format, directory: directory, threshold: suppress, since: since.flatMap(Period.init))
        let result = try exporter.run(snapshot)
        var summary: DHIS2ImportSummary?
        if let post, let tokenFile, let file = result.files.first {
            let mapping = try DHIS2Mapping(source: snapshot.source)
            let payload = try Array(Data(contentsOf: URL(fileURLWithPath: file.path)))
            summary = try await DHIS2Client.post(payload: payload, contentType: format == .dhis2 ? "application/json" : "application/csv",
                                                 to: post, tokenFile: tokenFile, dryRun: dryRun, parameters: mapping.importParameters)
        }
        if report == .json {
            try printJSON(ExportOutcome(export: result, importSummary: summary))
        } else {
            say(language, "exported central main \(String(result.commit.prefix(10))) as \(result.format) into \(directory)",
                "ana veri \(String(result.commit.prefix(10))) \(result.format) olarak \(directory) klasörüne aktarıldı")
            for f in result.files {
                let name = (f.path as NSString).lastPathComponent
                let note: TerminalText = f.note.map { " (\($0))" } ?? ""
                if format == .dhis2 || format == .dhis2CSV {
                    say(language, "  \(name): \(f.rows) values\(note)", "  \(name): \(f.rows) değer\(note)")
                } else if f.dataset != nil {
                    say(language, "  \(name): \(f.rows) rows\(note)", "  \(name): \(f.rows) satır\(note)")
                } else {
                    emit("  \(name)")
                }
            }
            if result.threshold > 1 {
                for name in result.cells.keys.sorted() {
                    say(language, "  \(name): \(result.primary[name] ?? 0) small count(s) suppressed (1 to \(result.threshold - 1)), \(result.secondary[name] ?? 0) more to protect them, of \(result.cells[name] ?? 0) cells",
                        "  \(name): \(result.cells[name] ?? 0) hücreden \(result.primary[name] ?? 0) küçük sayı gizlendi (1–\(result.threshold - 1)), onları korumak için \(result.secondary[name] ?? 0) hücre daha")
                }
            }
            if let summary { printSummary(summary, language) }
        }
        if summary?.hasConflicts == true { throw ExitCode(1) }
    }

    private func printSummary(_ s: DHIS2ImportSummary, _ language: Language) {
        let dry: TerminalText = s.dryRun ? " (dry run)" : "", dryTR: TerminalText = s.dryRun ? " (deneme)" : ""
        say(language, "DHIS2 import\(dry): \(s.status), HTTP \(s.httpStatus); imported \(s.imported), updated \(s.updated), ignored \(s.ignored), deleted \(s.deleted), conflicts \(s.conflicts.count)",
            "DHIS2 içe aktarma\(dryTR): \(s.status), HTTP \(s.httpStatus); eklenen \(s.imported), güncellenen \(s.updated), yok sayılan \(s.ignored), silinen \(s.deleted), çakışma \(s.conflicts.count)")
        for c in s.conflicts.prefix(20) { emit("  \(c.object): \(c.value)") }
        if s.conflicts.count > 20 {
            say(language, "  and \(s.conflicts.count - 20) more", "  ve \(s.conflicts.count - 20) tane daha")
        }
    }
}

/// `--report json`: the export's report and DHIS2's import summary.
struct ExportOutcome: Encodable {
    var export: Exporter.Report
    var importSummary: DHIS2ImportSummary?
}
