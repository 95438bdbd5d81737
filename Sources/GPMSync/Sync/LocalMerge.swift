import Foundation
import GPMCore
import Git

/// Brings a commit from central (its `main`, or this municipality's own contribution pushed by another
/// laptop) into the local `main`: fast-forward when possible, else a record-aware merge commit. The
/// working tree and the index follow; a file with uncommitted local edits (one held back for personal data,
/// say) is never overwritten and never left behind: central's change is merged into it cell by cell.
enum LocalMerge {
    struct Outcome {
        var changed: Bool
        var conflicts: [RecordedConflict]
        var diff: SemanticDiff
    }

    static func integrate(_ repo: DataRepository, theirs: ObjectID, label: String) throws -> Outcome {
        let git = repo.git
        guard let ours = try git.headCommit() else {
            let tree = try git.commit(theirs).tree
            let conflicts = try moveWorkingTree(repo, from: nil, to: tree, sides: .localAndCentral(local: "", central: theirs.hex))
            try git.updateReference(Refs.main, to: theirs, expecting: nil, message: "sync: \(label)")
            return Outcome(changed: true, conflicts: conflicts, diff: try Differ.between(repo.git, from: nil, to: tree))
        }
        if try git.isAncestor(theirs, of: ours) { return Outcome(changed: false, conflicts: [], diff: SemanticDiff(files: [])) }
        let ourTree = try git.commit(ours).tree
        if try git.isAncestor(ours, of: theirs) {
            let theirTree = try git.commit(theirs).tree
            let conflicts = try moveWorkingTree(repo, from: ourTree, to: theirTree, sides: .localAndCentral(local: ours.hex, central: theirs.hex))
            try git.updateReference(Refs.main, to: theirs, expecting: ours, message: "sync: fast-forward to \(label)")
            return Outcome(changed: true, conflicts: conflicts, diff: try Differ.between(repo.git, from: ourTree, to: theirTree))
        }
        let result = try CommitMerger(git: git).merge(ours: ours, theirs: theirs)
        let tree = try result.write(git)
        let sides = MergeSides.localAndCentral(local: ours.hex, central: theirs.hex)
        let recorded = result.conflicts.map { RecordedConflict(path: $0.path, conflict: $0.conflict, sides: sides) }
        // Conflicts are recorded before the merge commit exists, so a crash in between leaves them listed
        // (a listed conflict whose cell already agrees is harmless; a lost one is not).
        if !recorded.isEmpty {
            let store = ConflictStore(repository: repo)
            try store.save(store.load() + recorded)
        }
        var message = "Merge \(label) into local main\n"
        if !recorded.isEmpty { message += "\n\(recorded.count) conflict(s) kept the local value; see gpmsync conflicts\n" }
        let merge = try git.createCommit(tree: tree, parents: [ours, theirs], message: message, author: repo.signature())
        let local = try moveWorkingTree(repo, from: ourTree, to: tree, sides: sides)
        try git.updateReference(Refs.main, to: merge, expecting: ours, message: "sync: merge \(label)")
        return Outcome(changed: true, conflicts: recorded + local, diff: try Differ.between(repo.git, from: ourTree, to: tree))
    }

    /// Moves the working tree and the index from `old` (HEAD's tree) to `new`. A file that the move changes
    /// and that has uncommitted edits (or was staged by hand) gets the three-way merge of the committed
    /// version, its working version and the incoming one, written in place; its index entry becomes the
    /// incoming version, so the index always matches the new HEAD and a later commit cannot carry the old
    /// value back. Conflicts keep the local value and are recorded (before any file is touched).
    static func moveWorkingTree(_ repo: DataRepository, from old: ObjectID?, to new: ObjectID,
                                sides: MergeSides) throws -> [RecordedConflict] {
        let git = repo.git
        try repo.checkOutSymlinksAsFiles()
        let incoming = Set(try git.diff(from: old, to: new).map(\.path))
        let dirty = try git.workingTreeChanges().map(\.path).filter(incoming.contains).sorted()
        let merger = CommitMerger(git: git)
        let package = dirty.isEmpty ? nil : try TreeSource(repository: git, tree: new).dataPackage
        let disk = DirectorySource(root: repo.root)
        struct Merged { var path: String; var local: [UInt8]?; var file: FileMerge; var entry: TreeEntry?; var base: [UInt8]?; var central: [UInt8]? }
        func merge(_ path: String, base: [UInt8]?, central: [UInt8]?, entry: TreeEntry?) throws -> Merged {
            let local = disk.bytes(at: path)
            let file = local == central || local == base
                ? FileMerge(bytes: local == base ? central : local, conflicts: [])
                : try merger.mergeContent(path: path, base: base, ours: local, theirs: central, package: package)
            return Merged(path: path, local: local, file: file, entry: entry, base: base, central: central)
        }
        func recorded(_ m: Merged) -> [RecordedConflict] {
            m.file.conflicts.map { RecordedConflict(path: m.path, conflict: $0, sides: sides) }
        }
        func record(_ m: Merged) throws {
            guard !m.file.conflicts.isEmpty else { return }
            let store = ConflictStore(repository: repo)
            let listed = store.load()
            try store.save(listed + recorded(m).filter { !listed.contains($0) })
        }
        var merged: [Merged] = []
        for path in dirty {
            let base = try old.flatMap { try git.entry(at: path, inTree: $0) }.map { try git.readBlob($0.id) }
            let entry = try git.entry(at: path, inTree: new)
            let m = try merge(path, base: base, central: try entry.map { try git.readBlob($0.id) }, entry: entry)
            try record(m)
            merged.append(m)
        }
        // The safe checkout leaves the files with local edits alone; they are written here.
        try git.checkout(tree: new)
        guard !merged.isEmpty else { return [] }
        var conflicts: [RecordedConflict] = []
        for var m in merged {
            // Saved again while this ran (an editor, the daemon's user): merged again from what is there now,
            // so the save is not overwritten.
            var attempts = 0
            while disk.bytes(at: m.path) != m.local && attempts < 3 {
                m = try merge(m.path, base: m.base, central: m.central, entry: m.entry)
                try record(m)
                attempts += 1
            }
            if let bytes = m.file.bytes { try AtomicFile.write(bytes, to: m.path, inWorkingTree: repo.root) }
            else { try AtomicFile.remove(m.path, inWorkingTree: repo.root) }
            conflicts += recorded(m)
        }
        let index = try git.index()
        try index.reload(force: false)
        for m in merged {
            if let e = m.entry { try index.add(path: m.path, id: e.id, mode: e.mode) } else { try? index.remove(path: m.path) }
        }
        try index.write()
        return conflicts
    }
}
