import Foundation
import GPMCore
import Git

/// A municipality's submission: one commit on `contrib/<org>` whose tree is the previous submission's with
/// the municipality's own folder replaced by its valid files. Invalid files keep their last submitted
/// version (or stay out), so one bad file never holds back the others, and nothing outside the folder is
/// ever part of a submission.
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
        var base: ObjectID
        var baseTree: [String: TreeEntry]
        var tree: [String: TreeEntry]
        var heldBack: [Diagnostic]
        var isEmpty: Bool { tree == baseTree }

        /// The records the submission would change.
        func diff(_ git: Repository) -> SemanticDiff {
            let old = TreeSource(repository: git, entries: baseTree), new = TreeSource(repository: git, entries: tree)
            let paths = Set(baseTree.keys).union(tree.keys).filter { baseTree[$0] != tree[$0] }.sorted()
            let package = new.bytes(at: "datapackage.json").flatMap { try? DataPackage(json: $0) }
            return SemanticDiff.between(old: old, new: new, paths: paths, package: package)
        }
    }

    static func plan(_ repo: DataRepository) throws -> Plan? {
        let git = repo.git
        guard let org = repo.orgUnit else {
            throw GPMError(.usage, en: "gpmsync.orgUnit is not set in this clone", tr: "bu kopyada gpmsync.orgUnit ayarlanmamış")
        }
        guard let head = try git.headCommit(),
              let base = try git.reference(contribRef(org)) ?? git.reference(DataRepository.centralMainRef) else { return nil }
        let prefix = "municipalities/\(org)/"
        let baseTree = try git.treeEntries(try git.commit(base).tree)
        let localTree = try git.treeEntries(try git.commit(head).tree)
        let local = TreeSource(repository: git, entries: localTree)
        let changed = Set(localTree.keys).union(baseTree.keys).filter { $0.hasPrefix(prefix) && localTree[$0] != baseTree[$0] }
        let diagnostics = Validator(source: local).validate(paths: changed.sorted())
        let invalid = Set(diagnostics.filter(\.isError).map(\.path))
        var tree = baseTree
        for path in changed where !invalid.contains(path) { tree[path] = localTree[path] }
        return Plan(base: base, baseTree: baseTree, tree: tree, heldBack: diagnostics.filter { invalid.contains($0.path) && $0.isError })
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
        let commit = try git.createCommit(tree: treeID, parents: [plan.base], message: message, author: repo.signature())
        try git.setReference(pendingRef, to: commit, message: "sync: submission")
        return (Submission(commit: commit, diff: diff, heldBack: plan.heldBack), plan.heldBack)
    }
}
