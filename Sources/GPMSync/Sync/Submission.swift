import Foundation
import GPMCore
import Git

/// A municipality's submission: one commit on `contrib/<org>` whose tree is central's `main` with the
/// municipality's own folder as it last submitted it, updated with its valid files. Invalid files keep their
/// last submitted version (or stay out), so one bad file never holds back the others, and nothing outside
/// the folder is ever part of a submission. Its parents are the previous submission and central's `main`,
/// so a later merge of either side finds one common ancestor and no change is seen twice.
public struct Submission: Sendable {
    public var commit: ObjectID
    public var diff: SemanticDiff
    /// Files of the municipality that were held back, with why.
    public var heldBack: [Diagnostic]
}

enum SubmissionBuilder {
    static func contribRef(_ org: String) -> String { "refs/remotes/central/contrib/\(org)" }
    static let pendingRef = "refs/gpmsync/submission"

    /// What a submission would carry now, computed without writing anything.
    struct Plan {
        var parents: [ObjectID]
        /// What central last received from this municipality (the previous submission, else main).
        var previousTree: [String: TreeEntry]
        var tree: [String: TreeEntry]
        var heldBack: [Diagnostic]
        var prefix: String

        var isEmpty: Bool {
            let mine = { (t: [String: TreeEntry]) in t.filter { $0.key.hasPrefix(prefix) } }
            return mine(tree) == mine(previousTree)
        }

        /// The records the submission would change.
        func diff(_ git: Repository) -> SemanticDiff {
            let old = TreeSource(repository: git, entries: previousTree), new = TreeSource(repository: git, entries: tree)
            let paths = Set(previousTree.keys).union(tree.keys).filter { $0.hasPrefix(prefix) && previousTree[$0] != tree[$0] }.sorted()
            let package = new.bytes(at: "datapackage.json").flatMap { try? DataPackage(json: $0) }
            return SemanticDiff.between(old: old, new: new, paths: paths, package: package)
        }
    }

    static func plan(_ repo: DataRepository) throws -> Plan? {
        let git = repo.git
        guard let org = repo.orgUnit else {
            throw GPMError(.usage, en: "gpmsync.orgUnit is not set in this clone", tr: "bu kopyada gpmsync.orgUnit ayarlanmamış")
        }
        let contribTip = try git.reference(contribRef(org))
        let centralMain = try git.reference(DataRepository.centralMainRef)
        guard let head = try git.headCommit(), let first = contribTip ?? centralMain else { return nil }
        let prefix = "municipalities/\(org)/"
        let mainTree = try git.treeEntries(try git.commit(centralMain ?? first).tree)
        let previousTree = try contribTip.map { try git.treeEntries(try git.commit($0).tree) } ?? mainTree
        let localTree = try git.treeEntries(try git.commit(head).tree)
        let local = TreeSource(repository: git, entries: localTree)
        let changed = Set(localTree.keys).union(previousTree.keys).filter { $0.hasPrefix(prefix) && localTree[$0] != previousTree[$0] }
        // Unresolved conflicts make their file invalid: it cannot be submitted until a person decides.
        var validator = Validator(source: local)
        validator.conflicts = ConflictStore(repository: repo).counts()
        let diagnostics = validator.validate(paths: changed.sorted())
        let invalid = Set(diagnostics.filter(\.isError).map(\.path))
        var tree = mainTree.filter { !$0.key.hasPrefix(prefix) }
        for (path, entry) in previousTree where path.hasPrefix(prefix) { tree[path] = entry }
        for path in changed where !invalid.contains(path) { tree[path] = localTree[path] }
        var parents = [first]
        if let contribTip, let centralMain, !(try git.isAncestor(centralMain, of: contribTip)) { parents.append(centralMain) }
        return Plan(parents: parents, previousTree: previousTree, tree: tree,
                    heldBack: diagnostics.filter { invalid.contains($0.path) && $0.isError }, prefix: prefix)
    }

    /// Writes the submission commit (under `refs/gpmsync/submission`, for the push), nil when there is
    /// nothing to submit.
    static func build(_ repo: DataRepository) throws -> (submission: Submission?, heldBack: [Diagnostic]) {
        guard let plan = try plan(repo) else { return (nil, []) }
        guard !plan.isEmpty else { return (nil, plan.heldBack) }
        let git = repo.git
        let diff = plan.diff(git)
        let treeID = try git.writeTree(plan.tree)
        let message = "\(repo.orgUnit ?? ""): \(diff.summary())\n\n\(diff.text())"
        let commit = try git.createCommit(tree: treeID, parents: plan.parents, message: message, author: repo.signature())
        try git.setReference(pendingRef, to: commit, message: "sync: submission")
        return (Submission(commit: commit, diff: diff, heldBack: plan.heldBack), plan.heldBack)
    }

    /// Records a pushed submission in the local history (a merge that keeps the local tree), so the next
    /// merge with central finds it as the common ancestor instead of seeing its changes as central's.
    static func recordInHistory(_ repo: DataRepository, _ submission: ObjectID) throws {
        let git = repo.git
        guard let head = try git.headCommit(), !(try git.isAncestor(submission, of: head)) else { return }
        let tree = try git.commit(head).tree
        let commit = try git.createCommit(tree: tree, parents: [head, submission],
                                          message: "Submitted \(submission.short) to central\n", author: repo.signature())
        try git.updateReference(DataRepository.mainRef, to: commit, expecting: head, message: "sync: record submission")
    }
}
