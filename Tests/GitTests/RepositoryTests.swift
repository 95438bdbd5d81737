import Foundation
import Git
import TestSupport
import XCTest

final class RepositoryTests: XCTestCase {
    let author = Signature(name: "ayse", email: "ayse@34-kadikoy.gpmsync.invalid")

    /// Builds a commit from path → text on top of `parent`, moving `ref`.
    func commitFiles(_ repo: Repository, _ files: [String: String], parent: ObjectID?, ref: String = "refs/heads/main") throws -> ObjectID {
        var tree: [String: TreeEntry] = [:]
        if let parent { tree = try repo.treeEntries(try repo.commit(parent).tree) }
        for (path, text) in files { tree[path] = TreeEntry(id: try repo.writeBlob(Array(text.utf8))) }
        let c = try repo.createCommit(tree: try repo.writeTree(tree), parents: parent.map { [$0] } ?? [],
                                      message: "test\n", author: author)
        try repo.updateReference(ref, to: c, expecting: try repo.reference(ref), message: "test")
        return c
    }

    func testObjectsWrittenByTheWrapperAreReadByTheGitCLI() throws {
        let dir = TemporaryDirectory()
        let repo = try Repository.create(dir.sub("r.git"), bare: true)
        XCTAssertTrue(repo.isBare)
        XCTAssertNil(try repo.headCommit())
        let first = try commitFiles(repo, ["a/b/c.csv": "x,y\n1,2\n", "README.md": "hi\n"], parent: nil)
        let second = try commitFiles(repo, ["a/b/c.csv": "x,y\n1,3\n"], parent: first)
        XCTAssertEqual(try git(["rev-parse", "main"], in: dir.sub("r.git")), second.hex)
        XCTAssertEqual(try git(["show", "main:a/b/c.csv"], in: dir.sub("r.git")), "x,y\n1,3")
        try git(["fsck", "--strict"], in: dir.sub("r.git"))
        XCTAssertEqual(try repo.log(from: second), [second, first])
        XCTAssertEqual(try repo.commit(second).parents, [first])
        XCTAssertTrue(try repo.isAncestor(first, of: second))
        XCTAssertFalse(try repo.isAncestor(second, of: first))
        let changes = try repo.diff(from: try repo.commit(first).tree, to: try repo.commit(second).tree)
        XCTAssertEqual(changes.map(\.path), ["a/b/c.csv"])
        XCTAssertEqual(changes.first?.kind, .modified)
    }

    func testCompareAndSwapOnReferences() throws {
        let dir = TemporaryDirectory()
        let repo = try Repository.create(dir.sub("r"), bare: false)
        let a = try commitFiles(repo, ["f": "1\n"], parent: nil)
        let b = try commitFiles(repo, ["f": "2\n"], parent: a)
        // main is at b; a writer that still believes it is at a must be refused.
        XCTAssertThrowsError(try repo.updateReference("refs/heads/main", to: a, expecting: a, message: "stale")) { error in
            XCTAssertEqual((error as? GitError)?.code, .modified)
        }
        XCTAssertEqual(try repo.reference("refs/heads/main"), b)
        XCTAssertThrowsError(try repo.updateReference("refs/heads/main", to: a, expecting: nil, message: "create")) { error in
            XCTAssertEqual((error as? GitError)?.code, .modified)
        }
        try repo.updateReference("refs/heads/main", to: a, expecting: b, message: "rewind")
        XCTAssertEqual(try git(["rev-parse", "main"], in: dir.sub("r")), a.hex)
    }

    func testIndexStagesAdditionsModificationsAndDeletions() throws {
        let dir = TemporaryDirectory()
        let root = dir.sub("w")
        let repo = try Repository.create(root, bare: false)
        try write("one\n", to: root + "/keep.txt")
        try write("gone\n", to: root + "/gone.txt")
        let index = try repo.index()
        try index.addAll()
        try index.write()
        _ = try repo.createCommit(tree: try index.writeTree(to: repo), parents: [], message: "first\n", author: author, updating: "refs/heads/main")
        try FileManager.default.removeItem(atPath: root + "/gone.txt")
        try write("two\n", to: root + "/keep.txt")
        try write("new\n", to: root + "/sub/new.txt")
        let changes = Set(try repo.workingTreeChanges())
        XCTAssertEqual(changes, [
            WorkingTreeChange(path: "gone.txt", kind: .deleted), WorkingTreeChange(path: "keep.txt", kind: .modified),
            WorkingTreeChange(path: "sub/new.txt", kind: .added),
        ])
        try index.addAll()
        try index.write()
        XCTAssertEqual(Set(index.entries().keys), ["keep.txt", "sub/new.txt"])
        // The git CLI sees the same staged state.
        XCTAssertEqual(try git(["diff", "--cached", "--name-status"], in: root), "D\tgone.txt\nM\tkeep.txt\nA\tsub/new.txt")
    }

    func testMergeCommitsReportsConflictsInMemory() throws {
        let dir = TemporaryDirectory()
        let repo = try Repository.create(dir.sub("r.git"), bare: true)
        let base = try commitFiles(repo, ["t.csv": "k,v\na,1\nb,2\n", "other": "x\n"], parent: nil)
        let ours = try commitFiles(repo, ["t.csv": "k,v\na,10\nb,2\n"], parent: base, ref: "refs/heads/ours")
        let theirs = try commitFiles(repo, ["t.csv": "k,v\na,11\nb,2\n", "other": "y\n"], parent: base, ref: "refs/heads/theirs")
        XCTAssertEqual(try repo.mergeBases(ours, theirs), [base])
        let index = try repo.mergeCommits(ours: ours, theirs: theirs)
        XCTAssertTrue(index.hasConflicts)
        let conflicts = try index.conflicts()
        XCTAssertEqual(conflicts.map(\.path), ["t.csv"])
        XCTAssertEqual(try repo.readBlob(conflicts[0].ours!.id), Array("k,v\na,10\nb,2\n".utf8))
        XCTAssertEqual(try repo.readBlob(conflicts[0].theirs!.id), Array("k,v\na,11\nb,2\n".utf8))
        XCTAssertEqual(try index.entries()["other"].map { try repo.readBlob($0.id) }, Array("y\n".utf8))
        // Nothing on disk moved.
        XCTAssertEqual(try repo.reference("refs/heads/main"), base)

        let merged = try mergeFile(ancestor: Array("a\nb\nc\n".utf8), ours: Array("A\nb\nc\n".utf8), theirs: Array("a\nb\nC\n".utf8))
        XCTAssertTrue(merged.automergeable)
        XCTAssertEqual(String(decoding: merged.bytes, as: UTF8.self), "A\nb\nC\n")
        let clash = try mergeFile(ancestor: Array("a\n".utf8), ours: Array("b\n".utf8), theirs: Array("c\n".utf8))
        XCTAssertFalse(clash.automergeable)
    }

    func testNotesAreSharedWithTheGitCLI() throws {
        let dir = TemporaryDirectory()
        let repo = try Repository.create(dir.sub("r.git"), bare: true)
        let c = try commitFiles(repo, ["f": "1\n"], parent: nil)
        XCTAssertNil(try repo.note(on: c, ref: "refs/notes/gpmsync-review"))
        try repo.writeNote(#"{"state":"received"}"#, on: c, ref: "refs/notes/gpmsync-review", author: author)
        try repo.writeNote(#"{"state":"approved"}"#, on: c, ref: "refs/notes/gpmsync-review", author: author)
        XCTAssertEqual(try repo.note(on: c, ref: "refs/notes/gpmsync-review"), #"{"state":"approved"}"#)
        XCTAssertEqual(try git(["notes", "--ref=gpmsync-review", "show", c.hex], in: dir.sub("r.git")), #"{"state":"approved"}"#)
    }

    func testOpeningAMissingRepositoryFails() {
        XCTAssertThrowsError(try Repository.open("/nonexistent/gpmsync/repo")) { error in
            XCTAssertEqual((error as? GitError)?.code, .notFound)
            XCTAssertEqual((error as? GitError)?.function, "git_repository_open_ext")
        }
    }

    func testConfigRoundTrip() throws {
        let dir = TemporaryDirectory()
        let repo = try Repository.create(dir.sub("r"), bare: false)
        let config = try repo.config()
        XCTAssertNil(try config.string("gpmsync.orgUnit"))
        try config.set("gpmsync.orgUnit", "34-kadikoy")
        XCTAssertEqual(try git(["config", "gpmsync.orgUnit"], in: dir.sub("r")), "34-kadikoy")
        try config.remove("gpmsync.orgUnit")
        XCTAssertNil(try config.string("gpmsync.orgUnit"))
    }
}
