import Foundation
import GPMCore
import Git

/// What `gpmsync commit` did.
public struct CommitOutcome: Sendable {
    /// The new commit, nil when there was nothing to record.
    public var commit: ObjectID?
    /// The records changed, as a one-line summary (also the commit message's first line).
    public var summary: String
    /// Files left uncommitted because they hold personal data, with the diagnostics that say where.
    public var heldBack: [Diagnostic]
    /// Diagnostics of the files that were committed but are invalid (kept out of submissions).
    public var invalid: [Diagnostic]
}

/// Records local edits as a commit on `main`. Never blocks on invalid files: they are committed locally
/// (and held back from submission), except files with personal data, which git would keep forever.
public enum Committer {
    /// With `settledFor`, only files that have held still that long are recorded (see `Settling`); the
    /// others stay as they are in the working tree for a later commit.
    public static func commit(_ repo: DataRepository, message: String? = nil, settledFor quiet: Duration? = nil) throws -> CommitOutcome {
        let git = repo.git
        let head = try git.headCommit()
        let headTree = try head.map { try git.commit($0).tree }
        let index = try Trace.step("  index read") { () throws -> Index in let index = try git.index(); try index.reload(force: false); return index }
        // The index's tree comes from its cache when nothing was staged: then it equals HEAD's tree (as
        // every commit here leaves it) and only the working tree needs comparing.
        let indexMatchesHead = try Trace.step("  index tree") { try index.writeTree(to: git) } == headTree
        let settling = quiet.map { Settling(root: repo.root, quiet: $0) }
        let changes = try Trace.step("  status") { try git.workingTreeChanges(againstIndexOnly: indexMatchesHead) }
            .filter { settling?.isSettled($0.path) ?? true }
        guard !changes.isEmpty else { return CommitOutcome(commit: nil, summary: "", heldBack: [], invalid: []) }
        var validator = repo.workingTreeValidator()
        validator.checkOutliers = false  // only errors decide what is recorded; `validate` and `status` show warnings
        let present = changes.filter { $0.kind != .deleted }.map(\.path)
        let diagnostics = Trace.step("  validate") { validator.validate(paths: present) }
        // Personal data would stay in git history forever; a huge file would bloat every clone.
        let personal = Set(diagnostics.filter { $0.isPersonalData || $0.rule == "file-too-large" }.map(\.path))
        let staged = changes.map(\.path).filter { !personal.contains($0) }
        try Trace.step("  stage") { try index.stage(paths: staged, workingDirectory: repo.root + "/") }
        // A file written to while it was validated or read is not recorded half-written: start again, and
        // it is no longer settled. Each round leaves out what moved, so this ends.
        if let settling, !settling.movedSinceJudged().isEmpty {
            try index.reload(force: true)
            return try commit(repo, message: message, settledFor: quiet)
        }
        // A file that holds personal data now but was clean before keeps its committed version in the index.
        let tree = try Trace.step("  write tree") { try index.writeTree(to: git) }
        try Trace.step("  write index") { try index.write() }
        let heldBack = diagnostics.filter { personal.contains($0.path) && ($0.isPersonalData || $0.rule == "file-too-large") }
        let invalid = diagnostics.filter { !personal.contains($0.path) && $0.isError }
        if tree == headTree {
            return CommitOutcome(commit: nil, summary: "", heldBack: heldBack, invalid: invalid)
        }
        let diff = try Trace.step("  semantic diff") { try Differ.between(repo.git, from: headTree, to: tree) }
        let summary = diff.summary().isEmpty ? "local edits" : diff.summary()
        let org = repo.orgUnit ?? "gpm"
        var text = message.map { $0 + "\n\n" } ?? ""
        text = (message == nil ? "\(org): \(summary)\n\n" : text) + diff.text().description
        let commit = try git.createCommit(tree: tree, parents: head.map { [$0] } ?? [], message: text,
                                          author: repo.signature(), updating: Refs.main)
        return CommitOutcome(commit: commit, summary: summary, heldBack: heldBack, invalid: invalid)
    }
}
