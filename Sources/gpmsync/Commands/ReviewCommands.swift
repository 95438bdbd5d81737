import ArgumentParser
import Foundation
import GPMCore
import GPMSync
import GPMDaemon
import Logging

/// Where the central repository is: `--central`, else the clone's remote `central`, else the current folder.
struct CentralOptions: ParsableArguments {
    @Option(help: "The central repository: a local path to the bare repository, or its URL.")
    var central: String?

    @Option(help: "Who is acting (else gpmsync.user of the clone, else GPMSYNC_USER).")
    var user: String?

    func session(_ options: RepositoryOptions) throws -> (CentralSession, DataRepository?) {
        let clone = try? DataRepository(path: options.root)
        return (try CentralSession.open(central, clone: clone), clone)
    }

    func actor(_ clone: DataRepository?) -> String? { CentralSession.actor(user, clone: clone) }
}

struct CentralProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Validate every new contribution, note it received or invalid, merge what policy auto-accepts.")

    @OptionGroup var central: CentralOptions
    @Option(help: "Output format: text or json.") var format: ReportFormat = .text
    @Option(help: "Seconds to wait for a run already in progress before leaving the work to it.") var wait: Int = 10
    @OptionGroup var options: RepositoryOptions

    func run() throws {
        // The operator reads this run's log where the daemon's goes: journald priority lines on stderr.
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        let (session, _) = try central.session(options)
        guard let outcomes = try CentralProcess.run(session, wait: .seconds(max(0, wait))) else {
            say(options.language, "another central process run is in progress; it will process the contributions",
                "başka bir central process çalışması sürüyor; katkıları o işleyecek")
            return
        }
        if format == .json { try printJSON(outcomes); return }
        if outcomes.isEmpty { say(options.language, "no new contributions", "yeni katkı yok") }
        for o in outcomes {
            let merged: TerminalText = o.merged ? ", merged into main" : "", mergedTR: TerminalText = o.merged ? ", ana veriye katıldı" : ""
            say(options.language, "\(o.org) \(o.tip.prefix(10)): \(o.state.rawValue), \(o.errors) error(s), \(o.warnings) warning(s)\(merged)",
                "\(o.org) \(o.tip.prefix(10)): \(Glossary.state(o.state.rawValue, .tr)), \(o.errors) hata, \(o.warnings) uyarı\(mergedTR)")
        }
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The reviewer's side: list, show, approve, reject, has-issues.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self, HasIssues.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Contributions waiting for a decision.")
        @OptionGroup var central: CentralOptions
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text
        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (session, clone) = try central.session(options)
            let pending = try Review(session: session, reviewer: central.actor(clone)).list()
            if format == .json { try printJSON(pending); return }
            if pending.isEmpty { say(options.language, "nothing waits for review", "incelemeyi bekleyen yok") }
            for p in pending {
                say(options.language,
                    "\(p.org)  \(p.tip.prefix(10))  \(p.date)  \(p.state)  files \(p.files)  rows +\(p.rowsAdded) -\(p.rowsRemoved) ~\(p.rowsChanged)  errors \(p.errors)  warnings \(p.warnings)",
                    "\(p.org)  \(p.tip.prefix(10))  \(p.date)  \(Glossary.state(p.state, .tr))  \(p.files) dosya  satır +\(p.rowsAdded) -\(p.rowsRemoved) ~\(p.rowsChanged)  \(p.errors) hata  \(p.warnings) uyarı")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The semantic diff of a contribution.")
        @Argument(help: "The org unit.") var org: String
        @OptionGroup var central: CentralOptions
        @Option(help: "Output format: text, json or html.") var format: DiffFormat = .text
        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (session, clone) = try central.session(options)
            let shown = try Review(session: session, reviewer: central.actor(clone)).show(org: org)
            try ReviewerMemory().remember(shown.tip.hex, org: org, session: session)
            switch format {
            case .text:
                emit("contrib/\(org) \(shown.tip.hex)")
                emit(shown.diff.text(options.language), terminator: "")
                for d in Diagnostic.grouped(shown.diagnostics) { emit(d.formatted(options.language, verbose: options.verbose)) }
            case .json:
                struct Shown: Encodable { var org: String; var tip: String; var diff: SemanticDiff; var diagnostics: [Diagnostic] }
                try printJSON(Shown(org: org, tip: shown.tip.hex, diff: shown.diff, diagnostics: shown.diagnostics))
            case .html:
                emitHTML(shown.diff.html(title: options.language == .tr ? "\(org) biriminin katkısı (\(shown.tip.short))" : "Contribution of \(org) (\(shown.tip.short))",
                                         language: options.language))
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Merge the contribution into main and note it approved.")
        @Argument(help: "The org unit.") var org: String
        @Option(help: "The tip you reviewed (default: the one 'review show' last showed).") var tip: String?
        @OptionGroup var central: CentralOptions
        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (session, clone) = try central.session(options)
            let expected = try ReviewerMemory().reviewedTip(tip, org: org, session: session)
            let merged = try Review(session: session, reviewer: central.actor(clone)).approve(org: org, expectedTip: expected)
            say(options.language, "approved \(org): main is now \(merged.short)", "\(org) biriminin katkısı onaylandı; ana verinin yeni kaydı: \(merged.short)")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reject", abstract: "Send the contribution back with a reason.")
        @Argument(help: "The org unit.") var org: String
        @Option(help: "Why, in words the municipality's staff understand.") var reason: String
        @Option(help: "The tip you reviewed.") var tip: String?
        @OptionGroup var central: CentralOptions
        @OptionGroup var options: RepositoryOptions

        func run() throws { try sendBack(.rejected, org: org, reason: reason, tip: tip, central: central, options: options) }
    }

    struct HasIssues: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "has-issues", abstract: "Note that the contribution has issues to fix.")
        @Argument(help: "The org unit.") var org: String
        @Option(help: "What to fix.") var reason: String
        @Option(help: "The tip you reviewed.") var tip: String?
        @OptionGroup var central: CentralOptions
        @OptionGroup var options: RepositoryOptions

        func run() throws { try sendBack(.has_issues, org: org, reason: reason, tip: tip, central: central, options: options) }
    }
}

func sendBack(_ state: ReviewNote.State, org: String, reason: String, tip: String?, central: CentralOptions, options: RepositoryOptions) throws {
    let (session, clone) = try central.session(options)
    let expected = try ReviewerMemory().reviewedTip(tip, org: org, session: session)
    try Review(session: session, reviewer: central.actor(clone)).sendBack(org: org, state: state, reason: reason, expectedTip: expected)
    say(options.language, "\(org): \(Glossary.state(state.rawValue, .en)) — \(reason)", "\(org): \(Glossary.state(state.rawValue, .tr)) — \(reason)")
}
