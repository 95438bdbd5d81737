import ArgumentParser
import Foundation
import GPMCore
import GPMSync

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a spreadsheet's file (Turkish-locale Excel CSV, .xlsx) to the canonical CSV at its place.",
        discussion: """
            The place is --to, else the layout path the file already has, else its name (residents-2025Q1.xlsx). \
            A value that cannot be converted is listed with its cell and nothing is written.
            """)

    @Argument(help: "The files: a ;-separated or Windows-1254 CSV, a CSV UTF-8, or an .xlsx workbook.")
    var files: [String]

    @Option(help: "Where the table goes (one file only), e.g. municipalities/34-kadikoy/data/residents/2025Q1.csv.")
    var to: String?

    @Flag(help: "Replace a different file already at that place.")
    var replace = false

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if to != nil && files.count != 1 { throw ValidationError("--to takes one file") }
        if files.isEmpty { throw ValidationError("give at least one file") }
    }

    func run() throws {
        let repo = try openClone(options)
        let lang = options.language
        var failed = false
        for file in files {
            let outcome = try SpreadsheetImport.importFile(repo, file: file, to: to, replace: replace)
            guard outcome.written else {
                say(lang, "\(file) was not converted; nothing was written. Fix these in the spreadsheet:",
                    "\(file) dosyası dönüştürülmedi; hiçbir şey yazılmadı. Hesap tablosunda şunları düzeltin:")
                for p in outcome.problems.prefix(50) { emit("  \(p.text(lang))") }
                if outcome.problems.count > 50 { say(lang, "  … and \(outcome.problems.count - 50) more", "  … ve \(outcome.problems.count - 50) tane daha") }
                failed = true
                continue
            }
            say(lang, "\(file) → \(outcome.destination): \(outcome.rows) row(s)", "\(file) → \(outcome.destination): \(outcome.rows) satır")
            for n in outcome.notes { emit("  \(n.text(lang))") }
            if outcome.diagnostics.contains(where: \.isError) {
                say(lang, "converted, but the table does not validate yet:", "dönüştürüldü, ancak tablo henüz doğrulanmıyor:")
                failed = true
            }
            printDiagnostics(outcome.diagnostics, lang)
        }
        if failed { throw ExitCode(1) }
    }
}

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Write an empty table for a period: the key rows you usually report and their ALL rows.",
        discussion: "As CSV at its place in the layout, or with --xlsx as DATASET-PERIOD.xlsx with drop-down lists for the coded columns.")

    @Argument(help: "The dataset, e.g. residents or services.") var dataset: String
    @Argument(help: "The period, e.g. 2025Q1 or 2025-03.") var period: String
    @Flag(help: "An .xlsx workbook with drop-down lists instead of a CSV.") var xlsx = false
    @Option(help: "Where to write it (default: the table's place, or DATASET-PERIOD.xlsx here).") var out: String?

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let repo = try openClone(options)
        let written = try SpreadsheetImport.template(repo, dataset: dataset, period: period, xlsx: xlsx, out: out)
        say(options.language, "wrote \(written.path): \(written.rows) key row(s) to fill in", "\(written.path) yazıldı: doldurulacak \(written.rows) anahtar satır")
    }
}
