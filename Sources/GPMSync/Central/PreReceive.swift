import Foundation
import GPMCore
import Git

/// `gpmsync hook pre-receive`: the central repository's door. Who pushes comes from the transport
/// (`GPMSYNC_USER`, `GL_USER`, `REMOTE_USER`); what they may update comes from `access.csv` on `main`.
public enum PreReceive {
    public struct Update: Sendable {
        public var old: ObjectID
        public var new: ObjectID
        public var ref: String
    }

    /// A refusal: the rule, the file it is about (if any), and the words the pushing staff will see.
    public struct Refusal: Error, Sendable {
        public var rule: String
        public var path: String?
        public var en: String
        public var tr: String
        /// The further findings behind a refusal on validation, listed grouped per file and rule as
        /// `validate` prints them (at most 20 lines).
        public var findings: [Diagnostic] = []

        /// The refusal for a pusher who reads `language`; when their language is not known (nil), both,
        /// each line tagged with its language (`LanguageTag`), so gpmsync shows its user only theirs.
        public func text(_ language: Language?) -> String {
            guard let language else {
                return (lines(.en).map { LanguageTag.tagged($0, .en) } + lines(.tr).map { LanguageTag.tagged($0, .tr) })
                    .joined(separator: "\n")
            }
            return lines(language).joined(separator: "\n")
        }

        func lines(_ language: Language) -> [String] {
            let first = language == .tr
                ? "gönderim kabul edilmedi\(path.map { " (\($0) dosyası)" } ?? ""): \(tr)"
                : "refused \(rule)\(path.map { " \($0)" } ?? ""): \(en)"
            return [first] + Diagnostic.grouped(findings).prefix(20).map { "  " + $0.formatted(language).description }
        }
    }

    /// The hook: reads the updates git passes on stdin, checks them in the repository the environment names
    /// (a push's objects are in quarantine until the hook accepts). Returns the refusal text, nil to accept.
    public static func runHook(input: String, environment: [String: String]) -> String? {
        let language = pusherLanguage(environment)
        let git: Repository
        do { git = try Repository.openFromEnvironment() } catch {
            return Refusal(rule: "internal", path: nil, en: "the central repository cannot be opened (\(error.message)); tell GPM",
                           tr: "merkez depo açılamadı (\(error.message)); GPM'ye bildirin").text(language)
        }
        do {
            try check(git, updates: parse(input), user: pusher(environment))
            return nil
        } catch {
            return error.text(language)
        }
    }

    /// The pusher's language, when the transport tells it: `GPMSYNC_LANG` (set per user by the server's
    /// administrator, like `GPMSYNC_USER`), a push option `lang=tr` (`git push -o lang=tr`), or the
    /// `Accept-Language` a client sent over smart HTTP (git sends its locale's). Nil when none does.
    public static func pusherLanguage(_ env: [String: String]) -> Language? {
        if let v = env["GPMSYNC_LANG"], let l = Language(rawValue: String(v.lowercased().prefix(2))) { return l }
        let options = Int(env["GIT_PUSH_OPTION_COUNT"] ?? "") ?? 0
        for i in 0..<min(max(options, 0), 100) {
            if let v = env["GIT_PUSH_OPTION_\(i)"], v.hasPrefix("lang="), let l = Language(rawValue: String(v.dropFirst(5).prefix(2))) { return l }
        }
        return Language.fromAcceptLanguage(env["HTTP_ACCEPT_LANGUAGE"])
    }

    public static func parse(_ input: String) -> [Update] {
        input.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 3, let o = ObjectID(hex: String(f[0])), let n = ObjectID(hex: String(f[1])) else { return nil }
            return Update(old: o, new: n, ref: String(f[2]))
        }
    }

    public static func pusher(_ env: [String: String]) -> String? {
        for key in ["GPMSYNC_USER", "GL_USER", "REMOTE_USER"] { if let v = env[key], !v.isEmpty { return v } }
        return nil
    }

    /// Checks every update; throws the first refusal.
    public static func check(_ git: Repository, updates: [Update], user: String?) throws(Refusal) {
        guard let user else {
            throw Refusal(rule: "access", path: nil, en: "the server could not tell who is pushing", tr: "sunucu gönderenin kim olduğunu belirleyemedi")
        }
        // Who may do what is read from `main`; without it nobody can be told apart, so an empty central takes
        // nothing (its first `main` is written on the server by `gpmsync central init`).
        guard let main = try? git.reference(Refs.main) else {
            throw Refusal(rule: "access", path: nil, en: "the central repository has no main; an administrator creates it on the server with 'gpmsync central init'",
                          tr: "merkez deponun ana verisi yok; bir yönetici bunu sunucuda 'gpmsync central init' ile oluşturur")
        }
        let mainSource: TreeSource
        do { mainSource = try TreeSource(repository: git, tree: try git.commit(main).tree) } catch {
            throw Refusal(rule: "access", path: nil, en: "cannot read main: \(error.message)", tr: "ana veri okunamadı: \(error.message)")
        }
        let package = mainSource.dataPackage
        let codeLists = package.map { CodeLists(package: $0, source: mainSource) }
        let access = AccessList(in: mainSource, codeLists: codeLists)
        if let problem = access.problems.first {
            throw Refusal(rule: "access", path: "access.csv" + (problem.line.map { ":\($0)" } ?? ""),
                          en: "access.csv on main does not validate (\(problem.message.en)); no push is accepted until an administrator fixes it on the server with 'gpmsync central grant'",
                          tr: "ana verideki access.csv doğrulanamıyor (\(problem.message.tr)); bir yönetici sunucuda 'gpmsync central grant' ile düzeltene kadar hiçbir gönderim kabul edilmez")
        }
        guard let entry = access[user] else {
            throw Refusal(rule: "access", path: "access.csv", en: "user '\(user)' is not in access.csv", tr: "'\(user)' kullanıcısı access.csv içinde yok")
        }
        let context = Context(main: main, package: package, codeLists: codeLists,
                              existing: ((try? git.references(matching: "refs/*")) ?? []).map(\.id))
        for update in updates {
            try check(git, update, entry: entry, context: context)
        }
    }

    /// What every update is checked against: `main` before the push, its schema and code lists, and the
    /// tips of every ref before the push (commits reachable from them arrived through this door already).
    struct Context {
        var main: ObjectID
        var package: DataPackage?
        var codeLists: CodeLists?
        var existing: [ObjectID]
    }

    static func check(_ git: Repository, _ u: Update, entry: AccessList.Entry, context: Context) throws(Refusal) {
        let org = Refs.org(ofContrib: u.ref)
        let isContrib = org != nil
        switch entry.role {
        case .municipality:
            guard let org, org == entry.orgUnit else {
                throw Refusal(rule: "access", path: nil,
                              en: "\(entry.user) may update only refs/heads/contrib/\(entry.orgUnit ?? "?"), not \(u.ref)",
                              tr: "\(entry.user) yalnızca refs/heads/contrib/\(entry.orgUnit ?? "?") gönderim yerini güncelleyebilir; \(u.ref) güncellenemez")
            }
        case .reviewer:
            guard u.ref == Refs.main || u.ref == Refs.reviewNotes else {
                throw Refusal(rule: "access", path: nil, en: "reviewers may update main and the review notes, not \(u.ref)",
                              tr: "inceleyiciler yalnızca ana veriyi ve inceleme notlarını güncelleyebilir; \(u.ref) güncellenemez")
            }
        case .admin:
            break
        }
        if u.new.isZero {
            guard entry.role == .admin, u.ref != Refs.main else {
                throw Refusal(rule: "access", path: nil, en: "\(u.ref) may not be deleted", tr: "\(u.ref) silinemez")
            }
            return
        }
        // A branch or the notes must name a commit: a ref to a blob or a tree breaks every reader.
        let isHistory = u.ref.hasPrefix("refs/heads/") || u.ref.hasPrefix("refs/notes/")
        let kind = (try? git.objectHeader(u.new))??.kind
        if isHistory || kind == .commit {
            guard kind == .commit else {
                throw Refusal(rule: "bad-object", path: nil, en: "\(u.ref) must point at a commit", tr: "\(u.ref) bir kayda işaret etmeli")
            }
        }
        if isContrib || u.ref == Refs.main || u.ref == Refs.reviewNotes, !u.old.isZero {
            let fastForward = (try? git.isAncestor(u.old, of: u.new)) ?? false
            guard fastForward || entry.role == .admin else {
                throw Refusal(rule: "fast-forward", path: nil, en: "\(u.ref) can only move forward (fetch and merge first)",
                              tr: "\(u.ref) yalnızca ileri alınabilir (önce eşitleme yapın)")
            }
        }
        guard kind == .commit else { return }
        // Every new commit, as stored: its entries, modes and sizes; then whose files it changes; then
        // personal data in every new blob and records against their rules.
        let commits: [ObjectID]
        do { commits = try git.log(from: u.new, hiding: context.existing + (u.old.isZero ? [] : [u.old])) } catch {
            throw Refusal(rule: "bad-object", path: nil, en: "the history of \(u.ref) cannot be read (\(error.message))",
                          tr: "\(u.ref) geçmişi okunamıyor (\(error.message))")
        }
        let rules: IncomingHistory.Rules = isContrib ? .fixed(context.package, context.codeLists)
            : u.ref.hasPrefix("refs/heads/") ? .commitsOwn : .structureOnly
        try refuseOnError(try IncomingHistory.check(git, commits: commits, rules: rules) { () throws(Refusal) in
            try checkOwnership(git, commits: u.ref.hasPrefix("refs/heads/") ? commits : [], entry: entry)
        })
        // The records a contribution brings, as its tip has them, must validate against main's schema and code lists.
        if let org {
            let diagnostics: [Diagnostic]
            do { diagnostics = try ContributionCheck.validate(git, tip: u.new, main: context.main, orgUnit: org, outliers: false, historyChecked: true) } catch {
                throw Refusal(rule: "validation", path: nil, en: "cannot validate: \(error)", tr: "doğrulanamadı: \(error)")
            }
            try refuseOnError(diagnostics)
        }
    }

    /// Whose files the commits change: a municipality only its own folder, nobody but admins GPM's files.
    static func checkOwnership(_ git: Repository, commits: [ObjectID], entry: AccessList.Entry) throws(Refusal) {
        for c in commits {
            let paths: Set<String>
            do { paths = try changedPaths(git, c) } catch {
                throw Refusal(rule: "access", path: nil, en: "cannot read commit \(c.short)", tr: "\(c.short) kaydı okunamadı")
            }
            for path in paths.sorted() {
                let location = RepositoryPath(path)
                if entry.role == .municipality, location.orgUnit != entry.orgUnit {
                    throw Refusal(rule: "ownership", path: path, en: "commit \(c.short) changes \(path), outside municipalities/\(entry.orgUnit ?? "?")/",
                                  tr: "\(c.short) kaydı municipalities/\(entry.orgUnit ?? "?")/ dışındaki \(path) dosyasını değiştiriyor")
                }
                if entry.role != .admin, location.isGPMOwned {
                    throw Refusal(rule: "ownership", path: path, en: "only admins may change \(path)", tr: "\(path) dosyasını yalnızca yöneticiler değiştirebilir")
                }
            }
        }
    }

    /// The first error as the refusal, with how many more there are and the rest grouped per file and rule.
    static func refuseOnError(_ diagnostics: [Diagnostic]) throws(Refusal) {
        let errors = diagnostics.filter(\.isError)
        guard let first = errors.first else { return }
        let more = errors.count - 1
        throw Refusal(rule: first.rule, path: first.path + (first.line.map { ":\($0)" } ?? ""),
                      en: first.message.en + (more > 0 ? " (and \(more) more error(s))" : ""),
                      tr: first.message.tr + (more > 0 ? " (ve \(more) hata daha)" : ""),
                      findings: Array(errors.dropFirst()))
    }

    /// Paths a commit changes: against its parent, or for a merge, paths that differ from every parent.
    static func changedPaths(_ git: Repository, _ commit: ObjectID) throws(GitError) -> Set<String> {
        let info = try git.commit(commit)
        if info.parents.isEmpty { return Set(try git.treeEntries(info.tree).keys) }
        var result: Set<String>?
        for p in info.parents {
            let changed = Set(try git.diff(from: try git.commit(p).tree, to: info.tree).map(\.path))
            result = result.map { $0.intersection(changed) } ?? changed
        }
        return result ?? []
    }
}

/// Validation of a contribution: the municipality's files that differ from `main` where the branch forked,
/// checked against main's datapackage.json and code lists, plus the ownership rule.
public enum ContributionCheck {
    /// `outliers`: also the warnings that need earlier periods (the door needs only errors).
    /// `historyChecked`: the commits between `main` and the tip were already checked entry by entry (by
    /// the door, for this push); otherwise they are checked here, and a contribution whose history cannot
    /// be read safely gets those findings alone.
    public static func validate(_ git: Repository, tip: ObjectID, main: ObjectID, orgUnit: String, outliers: Bool = true,
                                historyChecked: Bool = false) throws -> [Diagnostic] {
        if !historyChecked {
            let history = IncomingHistory.check(git, commits: try git.log(from: tip, hiding: [main]), rules: .personalDataOnly)
            if !history.isEmpty { return history }
        }
        let baseTree = try CommitMerger(git: git).ancestorTree(main, tip)
        let tipTree = try git.commit(tip).tree
        let changes = try git.diff(from: baseTree, to: tipTree)
        var diagnostics: [Diagnostic] = []
        for c in changes where RepositoryPath(c.path).orgUnit != orgUnit {
            diagnostics.append(Diagnostic(path: c.path, rule: "ownership", message: Message(
                en: "this change is outside municipalities/\(orgUnit)/", tr: "bu değişiklik municipalities/\(orgUnit)/ dışında")))
        }
        let mainSource = try TreeSource(repository: git, tree: try git.commit(main).tree)
        let tipSource = try TreeSource(repository: git, tree: tipTree)
        let package = mainSource.dataPackage
        var validator = Validator(source: tipSource, package: package, codeLists: package.map { CodeLists(package: $0, source: mainSource) })
        validator.checkOutliers = outliers
        diagnostics += validator.validate(paths: changes.filter { $0.kind != .deleted && RepositoryPath($0.path).orgUnit == orgUnit }.map(\.path))
        return diagnostics
    }
}
