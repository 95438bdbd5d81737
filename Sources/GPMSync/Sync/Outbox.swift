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

enum Outbox {

    /// What a submission would carry now, computed without writing anything. Only the municipality's own
    /// folder is read; the rest of the tree is central's `main` as it stands.
    struct Plan {
        var parents: [ObjectID]
        var mainTree: ObjectID
        /// The own folder as central's `main` has it, as central last received it, and as it would be now.
        var mainOwn: [String: TreeEntry]
        var previousOwn: [String: TreeEntry]
        var desiredOwn: [String: TreeEntry]
        var heldBack: [Diagnostic]

        var isEmpty: Bool { desiredOwn == previousOwn }

        /// The records the submission would change.
        func diff(_ git: Repository) throws -> SemanticDiff {
            let old = TreeSource(repository: git, entries: previousOwn), new = TreeSource(repository: git, entries: desiredOwn)
            let paths = Set(previousOwn.keys).union(desiredOwn.keys).filter { previousOwn[$0] != desiredOwn[$0] }.sorted()
            let package = try TreeSource(repository: git, tree: mainTree).dataPackage
            return SemanticDiff.between(old: old, new: new, paths: paths, package: package)
        }

        /// Central's `main` tree with the own folder as desired.
        func tree(_ git: Repository) throws -> ObjectID {
            var changes: [String: TreeEntry?] = [:]
            for path in Set(mainOwn.keys).union(desiredOwn.keys) where mainOwn[path] != desiredOwn[path] {
                changes[path] = .some(desiredOwn[path])
            }
            return try git.updateTree(mainTree, changes: changes)
        }
    }

    static func plan(_ repo: DataRepository) throws -> Plan? {
        let git = repo.git
        guard let org = repo.orgUnit else {
            throw GPMError(.usage, en: "gpmsync.orgUnit is not set in this clone", tr: "bu kopyada gpmsync.orgUnit ayarlanmamış")
        }
        let contribTip = try git.reference(Refs.remoteContrib(org))
        let centralMain = try git.reference(Refs.centralMain)
        guard let head = try git.headCommit(), let first = contribTip ?? centralMain else { return nil }
        let folder = RepositoryPath.folder(of: org)
        let mainTree = try git.commit(centralMain ?? first).tree
        let localTree = try git.commit(head).tree
        let mainOwn = try git.treeEntries(mainTree, under: folder)
        let previousOwn = try contribTip.map { try git.treeEntries(try git.commit($0).tree, under: folder) } ?? mainOwn
        let localOwn = try git.treeEntries(localTree, under: folder)
        // Validated as the server will: against central main's schema and code lists, every file of the
        // folder that would differ from main (the server checks those on every push, not only new ones).
        let mainSource = try TreeSource(repository: git, tree: mainTree)
        let package = mainSource.dataPackage
        let codeLists = package.map { CodeLists(package: $0, source: mainSource) }
        // Unresolved conflicts make their file invalid: it cannot be submitted until a person decides.
        let conflicts = ConflictStore(repository: repo).counts()
        var local = Validator(source: try TreeSource(repository: git, tree: localTree), package: package, codeLists: codeLists)
        local.conflicts = conflicts
        local.checkOutliers = false  // warnings never hold a file back
        var previous = Validator(source: TreeSource(repository: git, entries: previousOwn), package: package, codeLists: codeLists)
        previous.checkOutliers = false
        var desiredOwn: [String: TreeEntry] = [:]
        var heldBack: [Diagnostic] = []
        for path in Set(localOwn.keys).union(previousOwn.keys).sorted() {
            let l = localOwn[path], p = previousOwn[path]
            if l != p {
                if l == nil {
                    // A deletion is valid, unless it is one side of a conflict nobody has settled yet.
                    guard let n = conflicts[path], n > 0 else { continue }
                    heldBack.append(Diagnostic(path: path, rule: "conflict", message: Message(
                        en: "deleted here while central changed it: \(n) unresolved merge conflict(s); run 'gpmsync conflicts' and 'gpmsync resolve'",
                        tr: "burada silindi, merkezde ise değiştirildi: \(n) çözülmemiş çakışma; 'gpmsync conflicts' ve 'gpmsync resolve' komutlarını çalıştırın")))
                } else {
                    let errors = local.validate(paths: [path]).filter(\.isError)
                    if errors.isEmpty { desiredOwn[path] = l; continue }
                    heldBack += errors
                }
            }
            // The version central last received stays, as long as central still accepts it.
            guard let p else { continue }
            if p == mainOwn[path] { desiredOwn[path] = p; continue }
            let errors = previous.validate(paths: [path]).filter(\.isError)
            if errors.isEmpty { desiredOwn[path] = p; continue }
            // Submitted earlier, it no longer passes (a newer code list, say): the server would refuse every
            // submission carrying it, so it goes back to main's version until it is fixed here.
            desiredOwn[path] = mainOwn[path]
            heldBack.append(Diagnostic(path: path, rule: errors[0].rule, message: Message(
                en: "submitted earlier, this file no longer passes central's rules (\(errors.count) error(s), e.g. a code list changed); it is taken out of the submission until it is fixed",
                tr: "bu dosya daha önce gönderildi ama artık merkezin kurallarına uymuyor (\(errors.count) hata, örneğin bir kod listesi değişti); düzeltilene kadar gönderimden çıkarıldı")))
            if l == p { heldBack += errors }
        }
        var parents = [first]
        if let contribTip, let centralMain, !(try git.isAncestor(centralMain, of: contribTip)) { parents.append(centralMain) }
        return Plan(parents: parents, mainTree: mainTree, mainOwn: mainOwn, previousOwn: previousOwn, desiredOwn: desiredOwn,
                    heldBack: heldBack)
    }

    /// Writes the submission commit (under `refs/gpmsync/submission`, for the push), nil when there is
    /// nothing to submit.
    static func build(_ repo: DataRepository) throws -> (submission: Submission?, heldBack: [Diagnostic]) {
        guard let plan = try plan(repo) else { return (nil, []) }
        guard !plan.isEmpty else { return (nil, plan.heldBack) }
        let git = repo.git
        let diff = try plan.diff(git)
        let message = "\(repo.orgUnit ?? ""): \(diff.summary())\n\n\(diff.text())"
        let commit = try git.createCommit(tree: try plan.tree(git), parents: plan.parents, message: message, author: repo.signature())
        try git.setReference(Refs.pendingSubmission, to: commit, message: "sync: submission")
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
        try git.updateReference(Refs.main, to: commit, expecting: head, message: "sync: record submission")
    }
}
