import GPMCore
import Git

/// The commits a push (or a contribution) brings, checked as git stores them: every new tree object entry
/// by entry (its raw name, its raw mode, the kind and size of the object it names), and every new blob for
/// personal data and, when asked, against the rules of its path. Content is checked in every new commit,
/// not only at the tip: a file added in one commit and removed in the next still enters history.
///
/// Checking the real entries, never a path string looked up again, is the point: a crafted tree can hold a
/// name with `/`, a name that is not UTF-8, or a gitlink, and a lookup by the joined path would find
/// nothing and let the blob through unseen.
public struct IncomingHistory {
    /// How deep a path may be. The layout needs five levels; the bound keeps a crafted chain of trees from
    /// exhausting the stack.
    static let maximumDepth = 12

    /// How far the new blobs of each commit are checked beyond their entries and sizes.
    public enum Rules {
        /// Entries and sizes only (the review notes: JSON written by gpmsync itself).
        case structureOnly
        /// Also personal data in every new blob.
        case personalDataOnly
        /// Also the rules of each blob's path, with each commit's own data package and code lists.
        case commitsOwn
        /// Also the rules of each blob's path, with the given data package and code lists (`main`'s).
        case fixed(DataPackage?, CodeLists?)
    }

    let git: Repository
    let rules: Rules
    private var diagnostics: [Diagnostic] = []
    /// Trees already compared at a path; the same tree at the same path needs no second look.
    private var seen: Set<String> = []

    /// Checks `commits` (each one's tree against its parents' trees); returns every problem found, errors
    /// only. Entries are checked first, in every commit; only when they are sound (so paths mean what they
    /// say) does `beforeContent` run (the door's ownership rule), then the content of the new blobs.
    public static func check(_ git: Repository, commits: [ObjectID], rules: Rules) -> [Diagnostic] {
        check(git, commits: commits, rules: rules) { () throws(Never) in }
    }

    public static func check<E: Error>(_ git: Repository, commits: [ObjectID], rules: Rules,
                                       beforeContent: () throws(E) -> Void) throws(E) -> [Diagnostic] {
        var history = IncomingHistory(git: git, rules: rules)
        var arrivals: [(CommitInfo, [(path: String, size: Int)])] = []
        for commit in commits {
            if let arrival = history.checkEntries(commit: commit) { arrivals.append(arrival) }
        }
        guard history.diagnostics.isEmpty else { return history.diagnostics }
        try beforeContent()
        for (commit, newBlobs) in arrivals { history.checkContent(of: commit, newBlobs: newBlobs) }
        return history.diagnostics
    }

    private init(git: Repository, rules: Rules) {
        self.git = git
        self.rules = rules
    }

    private mutating func problem(_ path: String, _ rule: String, en: String, tr: String) {
        diagnostics.append(Diagnostic(path: path, rule: rule, message: Message(en: en, tr: tr)))
    }

    /// The commit's new entries checked; its new blobs, nil when it cannot be read.
    private mutating func checkEntries(commit: ObjectID) -> (CommitInfo, [(path: String, size: Int)])? {
        let info: CommitInfo
        do { info = try git.commit(commit) } catch {
            problem("", "bad-object", en: "commit \(commit.short) cannot be read (\(error.message))",
                    tr: "\(commit.short) kaydı okunamıyor (\(error.message))")
            return nil
        }
        var parentTrees: [ObjectID] = []
        for p in info.parents {
            guard let tree = try? git.commit(p).tree else {
                problem("", "bad-object", en: "commit \(commit.short) names a parent \(p.short) that cannot be read",
                        tr: "\(commit.short) kaydının üst kaydı \(p.short) okunamıyor")
                return nil
            }
            parentTrees.append(tree)
        }
        var newBlobs: [(path: String, size: Int)] = []
        compare(tree: info.tree, parents: parentTrees, prefix: "", depth: 0, newBlobs: &newBlobs)
        return (info, newBlobs)
    }

    /// Compares one tree with the trees at the same path in the parents: checks every entry of a tree that
    /// is new, descends only into what differs, and collects the blobs that differ from every parent.
    private mutating func compare(tree: ObjectID, parents: [ObjectID], prefix: String, depth: Int,
                                  newBlobs: inout [(path: String, size: Int)]) {
        let shown = prefix.isEmpty ? "/" : prefix
        if parents.contains(tree) || !seen.insert(prefix + "\u{0}" + tree.hex).inserted { return }
        guard depth < Self.maximumDepth else {
            problem(prefix, "path-not-allowed", en: "folders are nested too deeply", tr: "klasörler çok derin iç içe")
            return
        }
        let entries: [RawTreeEntry]
        do { entries = try git.rawTreeEntries(tree) } catch {
            problem(shown, "bad-object", en: "the folder cannot be read (\(error.message))", tr: "klasör okunamıyor (\(error.message))")
            return
        }
        let parentEntries: [[[UInt8]: RawTreeEntry]] = parents.map { p in
            Dictionary(((try? git.rawTreeEntries(p)) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let checked = TreeEntryRules.check(entries.map { ($0.name, $0.mode) })
        for (entry, verdict) in zip(entries, checked) {
            let path = prefix + verdict.name
            let expected: ObjectKind
            switch verdict.result {
            case .failure(let p):
                problem(path, p.rule, en: p.message.en, tr: p.message.tr)
                continue
            case .success(let kind):
                expected = kind == .file ? .blob : .tree
            }
            // Unchanged against a parent: it was checked when that parent arrived.
            if parentEntries.contains(where: { $0[entry.name] == entry }) { continue }
            let header: (kind: ObjectKind, size: Int)?
            do { header = try git.objectHeader(entry.id) } catch { header = nil }
            guard let header else {
                problem(path, "bad-object", en: "the object \(entry.id.short) is missing", tr: "\(entry.id.short) nesnesi eksik")
                continue
            }
            guard header.kind == expected else {
                problem(path, "bad-object", en: "the entry claims a \(expected) but names a \(header.kind)",
                        tr: "girdi \(expected) olduğunu söylüyor ama bir \(header.kind) nesnesini gösteriyor")
                continue
            }
            if expected == .tree {
                let parentSubtrees = parentEntries.compactMap { $0[entry.name] }.filter { $0.mode == 0o40000 }.map(\.id)
                compare(tree: entry.id, parents: parentSubtrees, prefix: path + "/", depth: depth + 1, newBlobs: &newBlobs)
            } else {
                newBlobs.append((path, header.size))
            }
        }
    }

    /// Sizes, personal data, and (when asked) the rules of each new blob's path, in the commit's own tree.
    private mutating func checkContent(of commit: CommitInfo, newBlobs: [(path: String, size: Int)]) {
        guard !newBlobs.isEmpty, let source = try? TreeSource(repository: git, tree: commit.tree) else { return }
        var validator: Validator
        var validates = true
        switch rules {
        case .fixed(let package, let codeLists): validator = Validator(source: source, package: package, codeLists: codeLists)
        case .commitsOwn: validator = Validator(source: source)
        case .structureOnly, .personalDataOnly: validator = Validator(source: source); validates = false
        }
        validator.checkOutliers = false
        var found: [Diagnostic] = []
        for (path, size) in newBlobs {
            if let p = TreeEntryRules.sizeProblem(size, where: "in commit \(commit.id.short)", placeTR: "\(commit.id.short) kaydında") {
                found.append(Diagnostic(path: path, rule: p.rule, message: p.message))
                continue
            }
            if case .structureOnly = rules { continue }
            // The validator reads every file for personal data (documents with their contact-aware scan,
            // everything else line by line, whatever its path or encoding).
            let findings = validator.validate(paths: [path])
            found += validates ? findings.filter(\.isError) : findings.filter(\.isPersonalData)
        }
        var unique: Set<String> = []
        for d in found where unique.insert("\(d.path)|\(d.line ?? 0)|\(d.rule)").inserted {
            var d = d
            d.message = Message(en: d.message.en + " (commit \(commit.id.short))", tr: d.message.tr + " (\(commit.id.short) kaydı)")
            diagnostics.append(d)
        }
    }
}
