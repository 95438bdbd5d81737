import ArgumentParser
import Foundation
import GPMCore
import GPMSync

/// Opens the clone named by the options.
func openClone(_ options: RepositoryOptions) throws -> DataRepository {
    try DataRepository(path: options.root)
}

/// What a commit recorded and what it left out, as `commit` and `sync` both tell it.
func printCommit(_ outcome: CommitOutcome, _ lang: Language) {
    if let c = outcome.commit { say(lang, "recorded \(c.short): \(outcome.summary)", "kaydedildi \(c.short): \(outcome.summary)") }
    if !outcome.heldBack.isEmpty {
        say(lang, "not recorded (personal data or too large; fix the file):", "kaydedilmedi (kişisel veri veya çok büyük; dosyayı düzeltin):")
        printDiagnostics(outcome.heldBack, lang)
    }
}

struct CommitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit",
        abstract: "Validate and record local edits as a commit; invalid files stay local, personal data is never committed.")

    @Option(name: .shortAndLong, help: "The commit message (default: the records changed).")
    var message: String?

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let repo = try openClone(options)
        let lang = options.language
        let outcome = try Locks.withExclusive(repo) { try Committer.commit(repo, message: message) }
        if outcome.commit == nil { say(lang, "nothing to record", "kaydedilecek değişiklik yok") }
        printCommit(outcome, lang)
        if !outcome.invalid.isEmpty {
            say(lang, "recorded locally but held back from submission until fixed:", "yerelde kaydedildi; düzeltilene kadar gönderilmeyip bekletilen dosyalar:")
            printDiagnostics(outcome.invalid, lang)
        }
        if !outcome.heldBack.isEmpty || !outcome.invalid.isEmpty { throw ExitCode(1) }
    }
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "One offline-first cycle: commit, fetch, merge central's main, push valid records to contrib/<org>.")

    @Option(name: .shortAndLong, help: "Message for the commit of local edits.")
    var message: String?

    /// The daemon's debounce: only files still for that many seconds are recorded in this cycle.
    @Option(name: .customLong("settled-for"), help: .hidden)
    var settledFor: Double?

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let repo = try openClone(options)
        let lang = options.language
        let quiet = settledFor.map { Duration.milliseconds(Int(min(max($0.isNaN ? 0 : $0, 0), 86_400) * 1000)) }
        let report = try SyncCycle.run(repo, message: message, settledFor: quiet)
        if let committed = report.committed { printCommit(committed, lang) }
        if !report.received.isEmpty {
            say(lang, "received from central:", "merkezden gelen değişiklikler:")
            emit(report.received.text(lang), terminator: "")
        }
        for c in report.newConflicts {
            say(lang, "conflict in \(c.path) \(c.key) \(c.field): kept local '\(c.ours ?? "∅")', central has '\(c.theirs ?? "∅")'",
                "çakışma: \(c.path) dosyasında \(c.key) \(c.field): yerel değer '\(c.ours ?? "∅")' korundu, merkezdeki değer '\(c.theirs ?? "∅")'")
        }
        for line in LanguageTag.fromCentral(report.serverMessages, lang) { emit("\(line)") }
        if let s = report.submitted {
            say(lang, "submitted \(s.commit.short) to contrib/\(repo.orgUnit ?? ""): \(s.diff.summary())",
                "\(s.commit.short) kaydı merkeze gönderildi (contrib/\(repo.orgUnit ?? "")): \(s.diff.summary())")
        }
        if !report.heldBack.isEmpty {
            say(lang, "held back from submission until fixed:", "düzeltilene kadar gönderilmeyip bekletilen dosyalar:")
            printDiagnostics(report.heldBack, lang)
        }
        if let failure = report.failure { throw failure }
        if let code = report.exitCode { throw ExitCode(code.rawValue) }
        if report.submitted == nil && report.failure == nil { say(lang, "up to date", "güncel") }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Sync state, outbox, last sync, conflicts, review outcomes, invalid files.")

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let repo = try openClone(options)
        let lang = options.language
        let status = try StatusReport.build(repo)
        if format == .json { try printJSON(status); return }
        say(lang, "state: \(status.state.rawValue)", "durum: \(Glossary.syncStates[status.state.rawValue]!.tr)")
        for w in status.warnings { say(lang, "warning: \(w.en)", "uyarı: \(w.tr)") }
        say(lang, "org unit: \(status.orgUnit ?? "-"), user: \(status.user ?? "-")", "birim: \(status.orgUnit ?? "-"), kullanıcı: \(status.user ?? "-")")
        say(lang, "last sync: \(status.lastSync ?? "never")", "son eşitleme: \(status.lastSync ?? "hiç yapılmadı")")
        if let f = status.lastFailureMessage {
            say(lang, "last failure: \(f.en)", "son sorun: \(f.tr)")
            if options.verbose, let detail = status.lastFailureDetail { say(lang, "  detail: \(detail)", "  ayrıntı: \(detail)") }
        }
        if !status.uncommitted.isEmpty {
            say(lang, "not yet recorded: \(status.uncommitted.joined(separator: ", "))", "henüz kaydedilmedi: \(status.uncommitted.joined(separator: ", "))")
        }
        let o = status.outbox
        say(lang, "outbox: \(o.commits) commit(s), \(o.files.count) file(s), rows +\(o.rowsAdded) -\(o.rowsRemoved) ~\(o.rowsChanged)",
            "giden kutusu: \(o.commits) kayıt, \(o.files.count) dosya, satır +\(o.rowsAdded) -\(o.rowsRemoved) ~\(o.rowsChanged)")
        for c in status.conflicts {
            say(lang, "conflict: \(c.path) \(c.key) \(c.field)", "çakışma: \(c.path) dosyasında \(c.key) \(c.field)")
        }
        for s in status.submissions {
            var line: TerminalText = "\(String(s.commit.prefix(10))) \(Glossary.state(s.state, lang))"
            if let r = s.reviewer { line += " (\(r))" }
            if let reason = s.reason { line += ": \(reason)" }
            say(lang, "submission \(line) — \(s.summary)", "gönderim \(line) — \(s.summary)")
        }
        if !status.invalid.isEmpty {
            say(lang, "invalid files:", "geçersiz dosyalar:")
            printDiagnostics(status.invalid, lang)
        }
    }
}

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "conflicts", abstract: "List the recorded conflicts.")

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let repo = try openClone(options)
        let conflicts = ConflictStore(repository: repo).load()
        if format == .json { try printJSON(conflicts); return }
        let lang = options.language
        if conflicts.isEmpty { say(lang, "no conflicts", "çakışma yok"); return }
        let validator = repo.workingTreeValidator()
        let labels = CodeLabels(package: validator.package, source: validator.source)
        for c in conflicts {
            let target = c.field.isEmpty ? c.key : "\(c.key)/\(c.field)"
            emit("\(c.path) \(target)")
            let labelled = labels.labelledKey(c.key, path: c.path, lang)
            if labelled != c.key { emit("  \(labelled)") }
            say(lang, "  ancestor: \(c.ancestor ?? "∅")\n  local:    \(c.ours ?? "∅")\n  central:  \(c.theirs ?? "∅")",
                "  önceki değer:     \(c.ancestor ?? "∅")\n  yerel değer:      \(c.ours ?? "∅")\n  merkezdeki değer: \(c.theirs ?? "∅")")
        }
        throw ExitCode(4)
    }
}

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Settle the recorded conflicts of a file: keep ours, take theirs, or give a value.")

    @Argument(help: "The file, relative to the repository root.")
    var path: String

    @Flag(help: "Keep the local values.") var ours = false
    @Flag(help: "Take central's values.") var theirs = false
    @Option(help: "KEY=VALUE or KEY/FIELD=VALUE: the value for one conflict.") var value: String?

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        guard [ours, theirs, value != nil].filter({ $0 }).count == 1 else {
            throw GPMError(.usage, en: "give exactly one of --ours, --theirs, --value KEY=VALUE",
                           tr: "--ours, --theirs veya --value ANAHTAR=DEĞER seçeneklerinden tam olarak birini verin")
        }
    }

    func run() throws {
        let repo = try openClone(options)
        let choice: Resolution.Choice
        if ours { choice = .ours } else if theirs { choice = .theirs } else {
            let parts = value!.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw GPMError(.usage, en: "--value needs KEY=VALUE", tr: "--value seçeneği ANAHTAR=DEĞER biçiminde olmalı")
            }
            choice = .value(key: String(parts[0]), value: String(parts[1]))
        }
        let n = try Resolution.resolve(repo, path: path, choice: choice)
        say(options.language, "resolved \(n) conflict(s) in \(path)", "\(path) dosyasında \(n) çakışma çözüldü")
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "The semantic diff: records and cells, front-matter fields, document text.",
        discussion: "No revision: the working tree against HEAD. One: that revision against the working tree's HEAD. Two: the first against the second.")

    @Argument(help: "Revisions: any git revision (HEAD~1, a short hash, a tag, central/main, contrib/34-kadikoy).")
    var revisions: [String] = []

    @Option(help: "Output format: text, json or html.")
    var format: DiffFormat = .text

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let repo = try openClone(options)
        let diff = try Differ.diff(repo, revisions: revisions)
        switch format {
        case .text: emit(diff.text(options.language), terminator: "")
        case .json: try printJSON(diff)
        case .html: emitHTML(diff.html(title: "gpmsync diff \(revisions.joined(separator: " "))", language: options.language))
        }
    }
}
