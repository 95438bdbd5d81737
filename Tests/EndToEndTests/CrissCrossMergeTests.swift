import Foundation
import Git
import GPMCore
import GPMSync
import TestSupport
import XCTest

/// Criss-cross histories: every sync merges both central's `main` and the municipality's own branch, so two
/// merge bases are common. Edits of different cells must never conflict, and no edit may be lost.
final class CrissCrossMergeTests: XCTestCase {
    /// The issue's repro through the binary over `git daemon`: laptop 1 adds a file and syncs, an admin
    /// moves `main`, laptop 2 joins, changes row F and syncs, laptop 1 changes row M and syncs.
    func testTwoLaptopsAndAnAdminCommitGiveNoFalseConflict() throws {
        let fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("elif", "reviewer", nil)])
        let path = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
        let one = try fx.clone("one", org: "34-kadikoy", user: "ayse")
        try fx.write(one, path, Tables.residents([("SYR", "F", 100), ("SYR", "M", 90)]))
        try fx.gpmsync(["sync"], in: one).check()
        try fx.gpmsync(["central", "grant", "zeynep", "--role", "reviewer", "--central", fx.central]).check()
        let two = try fx.clone("two", org: "34-kadikoy", user: "ayse")
        try fx.gpmsync(["sync"], in: two).check()
        XCTAssertTrue(FileManager.default.fileExists(atPath: two + "/" + path))
        try fx.write(two, path, Tables.residents([("SYR", "F", 101), ("SYR", "M", 90)]))
        try fx.gpmsync(["sync"], in: two).check()
        try fx.write(one, path, Tables.residents([("SYR", "F", 100), ("SYR", "M", 91)]))
        let r = try fx.gpmsync(["sync"], in: one)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(try String(contentsOfFile: one + "/" + path, encoding: .utf8), Tables.residents([("SYR", "F", 101), ("SYR", "M", 91)]))
        XCTAssertEqual(fx.centralFile("contrib/34-kadikoy", path), Tables.residents([("SYR", "F", 101), ("SYR", "M", 91)]).trimmingCharacters(in: .newlines))
    }

    // MARK: Property

    /// A cell of one of the municipality's tables.
    struct Cell: Hashable { var file: String; var row: Int; var column: String }

    /// One simulated world: central's `main` and `contrib/<org>`, and two or three laptops' `main`, as
    /// commits of one repository, moved by the same steps as sync, approval and an admin's edit.
    struct World {
        let git: Repository
        let dataset: Dataset
        var main: ObjectID
        var contrib: ObjectID?
        var laptops: [ObjectID]
        var expected: [Cell: String] = [:]
        var conflicts: [String] = []
        var step = 0
        static let folder = "municipalities/34-kadikoy/data/residents/"
        static let rows = ["SYR", "AFG", "IRQ"].flatMap { n in ["F", "M"].map { (n, $0, 100) } }
        static let columns = ["count", "comment"]

        mutating func commit(_ tree: ObjectID, _ parents: [ObjectID]) throws -> ObjectID {
            step += 1
            // Time moves on, as on real laptops: which merge base git prefers depends on commit times.
            let author = Signature(name: "test", email: "test@example.invalid", time: 1_700_000_000 + Int64(step) * 60)
            return try git.createCommit(tree: tree, parents: parents, message: "step \(step)\n", author: author)
        }

        /// `theirs` merged into `ours` by the record merge; conflicts are remembered.
        mutating func merge(_ ours: ObjectID, _ theirs: ObjectID, what: String) throws -> ObjectID {
            if try git.isAncestor(theirs, of: ours) { return ours }
            if try git.isAncestor(ours, of: theirs) { return theirs }
            let result = try CommitMerger(git: git).merge(ours: ours, theirs: theirs)
            conflicts += result.conflicts.map { "\(what): \($0.path) \($0.conflict.key)/\($0.conflict.field) ancestor \($0.conflict.ancestor ?? "∅")" }
            return try commit(try result.write(git), [ours, theirs])
        }

        func table(_ file: String, in commit: ObjectID) throws -> RecordTable? {
            guard let id = try git.blobID(at: Self.folder + file, inTree: try git.commit(commit).tree) else { return nil }
            return RecordTable(bytes: try git.readBlob(id), schema: dataset.schema)
        }

        mutating func write(_ t: RecordTable, _ file: String, laptop i: Int) throws {
            let tree = try git.updateTree(try git.commit(laptops[i]).tree,
                                          changes: [Self.folder + file: .some(TreeEntry(id: try git.writeBlob(t.bytes())))])
            laptops[i] = try commit(tree, [laptops[i]])
        }

        /// A laptop adds a table: every cell of it is a first edit.
        mutating func create(_ file: String, laptop i: Int) throws {
            try write(RecordTable(bytes: Array(Tables.residents(Self.rows).utf8), schema: dataset.schema)!, file, laptop: i)
            for r in Self.rows.indices {
                expected[Cell(file: file, row: r, column: "count")] = "100"
                expected[Cell(file: file, row: r, column: "comment")] = ""
            }
        }

        mutating func edit(_ cell: Cell, value: String, laptop i: Int) throws {
            var t = try table(cell.file, in: laptops[i])!
            t.rows[t.keys[cell.row]]![cell.column] = value
            try write(t, cell.file, laptop: i)
            expected[cell] = value
        }

        /// What `gpmsync sync` does: merge central's main and the own branch, submit the own folder on top
        /// of main (parents: the previous submission and main), record the submission in local history.
        mutating func sync(laptop i: Int) throws {
            laptops[i] = try merge(laptops[i], main, what: "laptop \(i) ← main")
            if let contrib { laptops[i] = try merge(laptops[i], contrib, what: "laptop \(i) ← contrib") }
            let local = try git.commit(laptops[i]).tree
            let own = try git.treeEntries(local, under: "municipalities/34-kadikoy")
            let previous = try git.treeEntries(try git.commit(contrib ?? main).tree, under: "municipalities/34-kadikoy")
            guard own != previous else { return }
            let mainTree = try git.commit(main).tree
            let mainOwn = try git.treeEntries(mainTree, under: "municipalities/34-kadikoy")
            var changes: [String: TreeEntry?] = [:]
            for path in Set(own.keys).union(mainOwn.keys) where own[path] != mainOwn[path] { changes[path] = .some(own[path]) }
            var parents = [contrib ?? main]
            if let contrib, !(try git.isAncestor(main, of: contrib)) { parents.append(main) }
            let submission = try commit(try git.updateTree(mainTree, changes: changes), parents)
            contrib = submission
            if !(try git.isAncestor(submission, of: laptops[i])) { laptops[i] = try commit(local, [laptops[i], submission]) }
        }

        mutating func approve() throws {
            guard let contrib else { return }
            main = try merge(main, contrib, what: "main ← contrib")
        }

        mutating func adminEdit() throws {
            let tree = try git.commit(main).tree
            let access = try git.readBlob(try git.blobID(at: "access.csv", inTree: tree)!) + Array("user\(step),reviewer,\n".utf8)
            main = try commit(try git.updateTree(tree, changes: ["access.csv": .some(TreeEntry(id: try git.writeBlob(access)))]), [main])
        }
    }

    func testRandomSyncsOfLaptopsAdminsAndApprovalsNeverConflictOnDifferentCells() throws {
        // A repository on tmpfs where there is one: this is about merges, not about fsync.
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/gpmsync-crisscross-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let git = try Repository.create(path, bare: true)
        let package = try String(contentsOfFile: packageRoot + "/Repos/template/datapackage.json", encoding: .utf8)
        let dataset = try DataPackage(json: Array(package.utf8)).dataset(named: "residents")!
        let tree = try git.writeTree([
            "datapackage.json": TreeEntry(id: try git.writeBlob(Array(package.utf8))),
            "access.csv": TreeEntry(id: try git.writeBlob(Array("user,role,org_unit\n".utf8))),
        ])
        let root = try git.createCommit(tree: tree, parents: [], message: "start\n", author: Signature(name: "t", email: "t@example.invalid", time: 1_600_000_000))
        let files = ["2025Q1.csv", "2025Q2.csv", "2025Q3.csv"]
        var conflicted = 0, lost = 0
        for seed in 0..<2000 {
            var rng = SplitMix(state: UInt64(seed) &* 7919)
            let laptopCount = Int.random(in: 2...3, using: &rng)
            var world = World(git: git, dataset: dataset, main: root, contrib: nil, laptops: Array(repeating: root, count: laptopCount))
            var created: Set<String> = []
            var edited: Set<Cell> = []
            for _ in 0..<Int.random(in: 6...16, using: &rng) {
                let laptop = Int.random(in: 0..<laptopCount, using: &rng)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4:
                    // A table nobody has made yet, or a cell no edit took before, of a table this laptop has:
                    // two edits never touch the same cell.
                    let has = try files.filter { try world.table($0, in: world.laptops[laptop]) != nil }
                    let cells = has.flatMap { f in World.rows.indices.flatMap { r in World.columns.map { Cell(file: f, row: r, column: $0) } } }
                        .filter { !edited.contains($0) }
                    if let missing = files.first(where: { !created.contains($0) }), cells.isEmpty || Bool.random(using: &rng) {
                        created.insert(missing)
                        try world.create(missing, laptop: laptop)
                    } else if let cell = cells.randomElement(using: &rng) {
                        edited.insert(cell)
                        try world.edit(cell, value: cell.column == "count" ? String(Int.random(in: 101...999, using: &rng)) : "seed \(seed)", laptop: laptop)
                    }
                case 4..<7: try world.sync(laptop: laptop)
                case 7..<9: try world.approve()
                default: try world.adminEdit()
                }
            }
            // Everyone syncs, everything is approved, everyone syncs again.
            for i in 0..<laptopCount { try world.sync(laptop: i) }
            try world.approve()
            for i in 0..<laptopCount { try world.sync(laptop: i) }
            if !world.conflicts.isEmpty {
                conflicted += 1
                if conflicted <= 3 { XCTFail("seed \(seed): \(world.conflicts.joined(separator: "; "))") }
            }
            for commit in [world.main] + world.laptops {
                for (cell, value) in world.expected {
                    let t = try world.table(cell.file, in: commit)
                    if t.flatMap({ $0.rows[$0.keys[cell.row]]?[cell.column] }) != value {
                        lost += 1
                        if lost <= 3 { XCTFail("seed \(seed): \(cell.file) row \(cell.row) \(cell.column)=\(value) was lost") }
                    }
                }
            }
        }
        XCTAssertEqual(conflicted, 0, "cases with false conflicts")
        XCTAssertEqual(lost, 0, "edits lost")
    }
}
