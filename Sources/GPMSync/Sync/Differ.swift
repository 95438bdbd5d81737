import GPMCore
import Git

/// The semantic diff: between two trees, and for the revisions `gpmsync diff` names.
public enum Differ {
    /// The semantic diff between two trees of a repository, with the newer tree's schemas.
    public static func between(_ git: Repository, from old: ObjectID?, to new: ObjectID?) throws -> SemanticDiff {
        let changes = try git.diff(from: old, to: new)
        let oldSource = try TreeSource(repository: git, tree: old)
        let newSource = try TreeSource(repository: git, tree: new)
        let package = newSource.dataPackage ?? oldSource.dataPackage
        return SemanticDiff.between(old: oldSource, new: newSource, paths: changes.map(\.path), package: package)
    }

    public static func diff(_ repo: DataRepository, revisions: [String]) throws -> SemanticDiff {
        let git = repo.git
        /// Any git revision (`HEAD~1`, a short hash, a tag, `central/main`); a branch of central by its own
        /// name (`contrib/34-kadikoy`) as well.
        func tree(_ rev: String) throws -> ObjectID {
            for name in [rev, Refs.central(rev)] {
                if let id = try git.commit(revision: name) { return try git.commit(id).tree }
            }
            throw GPMError(.usage, en: "unknown revision '\(rev)'", tr: "bilinmeyen sürüm: '\(rev)'")
        }
        switch revisions.count {
        case 0:
            let head = try git.headCommit().map { try git.commit($0).tree }
            let old = try TreeSource(repository: git, tree: head)
            let new = DirectorySource(root: repo.root)
            let paths = try git.workingTreeChanges().map(\.path)
            let package = new.dataPackage
            return SemanticDiff.between(old: old, new: new, paths: paths, package: package)
        case 1:
            return try Differ.between(repo.git, from: try tree(revisions[0]), to: try git.headCommit().map { try git.commit($0).tree })
        case 2:
            return try Differ.between(repo.git, from: try tree(revisions[0]), to: try tree(revisions[1]))
        default:
            throw GPMError(.usage, en: "diff takes at most two revisions", tr: "diff en çok iki sürüm alır")
        }
    }
}
