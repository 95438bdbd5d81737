import Foundation
import GPMCore
import Git

/// Brings a commit from central (its `main`, or this municipality's own contribution pushed by another
/// laptop) into the local `main`: fast-forward when possible, else a record-aware merge commit. The
/// working tree follows; a file with uncommitted local edits is never overwritten.
enum LocalMerge {
    struct Outcome {
        var changed: Bool
        var conflicts: [RecordedConflict]
        var diff: SemanticDiff
    }

    static func integrate(_ repo: DataRepository, theirs: ObjectID, label: String) throws -> Outcome {
        let git = repo.git
        guard let ours = try git.headCommit() else {
            try git.updateReference(DataRepository.mainRef, to: theirs, expecting: nil, message: "sync: \(label)")
            try git.checkout(tree: try git.commit(theirs).tree)
            return Outcome(changed: true, conflicts: [], diff: try Committer.semanticDiff(repo, from: nil, to: try git.commit(theirs).tree))
        }
        if try git.isAncestor(theirs, of: ours) { return Outcome(changed: false, conflicts: [], diff: SemanticDiff(files: [])) }
        let ourTree = try git.commit(ours).tree
        if try git.isAncestor(ours, of: theirs) {
            let theirTree = try git.commit(theirs).tree
            try git.checkout(tree: theirTree)
            try git.updateReference(DataRepository.mainRef, to: theirs, expecting: ours, message: "sync: fast-forward to \(label)")
            return Outcome(changed: true, conflicts: [], diff: try Committer.semanticDiff(repo, from: ourTree, to: theirTree))
        }
        let result = try RecordMerger(git: git).merge(ours: ours, theirs: theirs)
        let tree = try result.write(git)
        let recorded = result.conflicts.map {
            RecordedConflict(path: $0.path, key: $0.conflict.key, field: $0.conflict.field, ancestor: $0.conflict.ancestor,
                             local: $0.conflict.local, central: $0.conflict.central, localCommit: ours.hex, centralCommit: theirs.hex)
        }
        // Conflicts are recorded before the merge commit exists, so a crash in between leaves them listed
        // (a listed conflict whose cell already agrees is harmless; a lost one is not).
        if !recorded.isEmpty {
            let store = ConflictStore(repository: repo)
            try store.save(store.load() + recorded)
        }
        var message = "Merge \(label) into local main\n"
        if !recorded.isEmpty { message += "\n\(recorded.count) conflict(s) kept the local value; see gpmsync conflicts\n" }
        let merge = try git.createCommit(tree: tree, parents: [ours, theirs], message: message, author: repo.signature())
        try git.checkout(tree: tree)
        try git.updateReference(DataRepository.mainRef, to: merge, expecting: ours, message: "sync: merge \(label)")
        return Outcome(changed: true, conflicts: recorded, diff: try Committer.semanticDiff(repo, from: ourTree, to: tree))
    }
}
