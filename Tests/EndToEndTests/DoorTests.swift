import Foundation
import TestSupport
import XCTest

/// The central's door and intake against crafted git objects: what the git CLI can write with
/// `hash-object --literally`, `mktree` and `commit-tree`, pushed over `git daemon` (so the real pre-receive
/// hook runs) or planted straight into the central (as if the hook had been bypassed).
final class DoorTests: XCTestCase {
    var fx: Fixture!
    var work: String!

    // XCTest keeps every test case object until the run ends: stop this one's servers now.
    override func tearDown() { fx = nil }

    override func setUpWithError() throws {
        fx = try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("mehmet", "municipality", "16-nilufer"),
                                 ("elif", "reviewer", nil), ("root-admin", "admin", nil)])
        work = fx.dir.sub("work")
        try git(["clone", "-q", fx.url("ayse"), work])
    }

    // MARK: Crafting objects

    /// Writes raw bytes as an object of `type` without git's checks.
    func literally(_ type: String, _ bytes: [UInt8], in repo: String) throws -> String {
        let file = fx.dir.sub("object-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return try git(["hash-object", "-t", type, "--literally", "-w", file], in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func blob(_ text: String, in repo: String) throws -> String { try literally("blob", Array(text.utf8), in: repo) }

    /// A tree object holding exactly these entries, names as raw bytes (so `/` and invalid UTF-8 can be written).
    func rawTree(_ entries: [(mode: String, name: [UInt8], id: String)], in repo: String) throws -> String {
        var bytes: [UInt8] = []
        for e in entries {
            bytes += Array("\(e.mode) ".utf8) + e.name + [0]
            var hex = Array(e.id.utf8)
            while hex.count >= 2 {
                bytes.append(UInt8(String(decoding: hex.prefix(2), as: UTF8.self), radix: 16)!)
                hex.removeFirst(2)
            }
        }
        return try literally("tree", bytes, in: repo)
    }

    /// `base`'s tree with `municipalities/<org>` replaced by the tree `orgTree`.
    func treeWithOrgFolder(_ orgTree: String, org: String, base: String, in repo: String) throws -> String {
        let municipalities = (try? git(["rev-parse", "\(base):municipalities"], in: repo))?.trimmingCharacters(in: .whitespacesAndNewlines)
        var lines = try municipalities.map { try git(["ls-tree", $0], in: repo).split(separator: "\n").map(String.init) } ?? []
        lines.removeAll { $0.hasSuffix("\t\(org)") }
        lines.append("040000 tree \(orgTree)\t\(org)")
        let newMunicipalities = try git(["mktree"], in: repo, input: lines.joined(separator: "\n") + "\n")
        var root = try git(["ls-tree", base], in: repo).split(separator: "\n").map(String.init)
        root.removeAll { $0.hasSuffix("\tmunicipalities") }
        root.append("040000 tree \(newMunicipalities)\tmunicipalities")
        return try git(["mktree"], in: repo, input: root.joined(separator: "\n") + "\n")
    }

    func commit(_ tree: String, parents: [String], in repo: String) throws -> String {
        try git(["commit-tree", tree, "-m", "crafted"] + parents.flatMap { ["-p", $0] }, in: repo)
    }

    /// A commit on `base` whose `municipalities/<org>` folder holds exactly `entries`.
    func crafted(_ entries: [(mode: String, name: [UInt8], id: String)], org: String = "34-kadikoy",
                 base: String = "origin/main", in repo: String? = nil) throws -> String {
        let repo = repo ?? work!
        let parent = try git(["rev-parse", base], in: repo)
        return try commit(try treeWithOrgFolder(try rawTree(entries, in: repo), org: org, base: parent, in: repo), parents: [parent], in: repo)
    }

    /// A residents table with a type error, a valid identity number and a phone number in its comment.
    var hostileTable: String { Tables.residentsHeader + "TP,SYR,F,ALL,many,admin_register,,call 10000000146 on 0532 123 45 67\n" }

    func push(_ commit: String, to ref: String, as user: String) throws -> ProcessResult {
        try TestSupport.run("/usr/bin/git", ["push", fx.url(user), "\(commit):\(ref)"], in: work)
    }

    func centralMain() throws -> String { try git(["rev-parse", "main"], in: fx.central) }

    func assertRefused(_ r: ProcessResult, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(r.status, 0, "the push was accepted", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(expected), "expected '\(expected)' in: \(r.stderr)", file: file, line: line)
    }

    // MARK: Names, modes, kinds

    func testTreeEntriesAreCheckedAsStoredNotThroughJoinedPaths() throws {
        let main = try centralMain()
        let bad = try blob(hostileTable, in: work)
        let cases: [(String, [(mode: String, name: [UInt8], id: String)], String)] = [
            ("a name with a slash", [("100644", Array("data/residents/2025Q1.csv".utf8), bad)], "may not contain '/'"),
            ("a name that is not UTF-8", [("40000", Array("data".utf8), try rawTree([("40000", Array("residents".utf8),
                try rawTree([("100644", [0x32, 0x30, 0xFF, 0xFE] + Array(".csv".utf8), bad)], in: work))], in: work))], "not valid UTF-8"),
            ("a dot-dot name", [("100644", Array("..".utf8), bad)], "is not allowed as a name"),
            ("a control character", [("100644", Array("a\u{1b}[2Jb.md".utf8), bad)], "control character"),
            ("a gitlink at a record path", [("40000", Array("data".utf8), try rawTree([("40000", Array("residents".utf8),
                try rawTree([("160000", Array("2025Q1.csv".utf8), main)], in: work))], in: work))], "mode 160000 is not allowed"),
            ("an executable", [("100755", Array("profile.yaml".utf8), bad)], "mode 100755 is not allowed"),
            ("a symlink", [("120000", Array("profile.yaml".utf8), try blob("../../access.csv", in: work))], "symbolic links"),
            ("a blob entry naming a tree", [("100644", Array("profile.yaml".utf8), try rawTree([("100644", Array("x".utf8), bad)], in: work))],
             "names a tree"),
            ("two names differing in case", [("100644", Array("profile.yaml".utf8), bad), ("100644", Array("PROFILE.yaml".utf8), bad)],
             "other letter case"),
            ("a missing object", [("100644", Array("profile.yaml".utf8), "0123456789012345678901234567890123456789")], "is missing"),
        ]
        for (what, entries, expected) in cases {
            let c = try crafted(entries)
            let r = try push(c, to: "refs/heads/contrib/34-kadikoy", as: "ayse")
            if what == "a missing object" {
                // git itself refuses to send an object it does not have; the door is checked below by planting.
                XCTAssertNotEqual(r.status, 0, what)
            } else {
                assertRefused(r, expected)
            }
            XCTAssertNil(try? git(["rev-parse", "--verify", "-q", "contrib/34-kadikoy"], in: fx.central), what)
        }
        XCTAssertEqual(try centralMain(), main)
    }

    func testContentIsCheckedInEveryCommitNotOnlyAtTheTip() throws {
        let main = try git(["rev-parse", "origin/main"], in: work)
        let big = try literally("blob", [UInt8](repeating: UInt8(ascii: "1"), count: 16 * 1024 * 1024 + 1), in: work)
        let pii = try blob(Tables.residentsHeader + "TP,SYR,F,ALL,10,admin_register,,10000000146\n", in: work)
        let first = try crafted([("40000", Array("data".utf8), try rawTree([("40000", Array("residents".utf8),
            try rawTree([("100644", Array("2025Q1.csv".utf8), pii), ("100644", Array("2025Q2.csv".utf8), big)], in: work))], in: work))])
        let second = try commit(try git(["rev-parse", "\(main)^{tree}"], in: work), parents: [first], in: work)
        let r = try push(second, to: "refs/heads/contrib/34-kadikoy", as: "ayse")
        assertRefused(r, "2025Q")
        XCTAssertTrue(r.stderr.contains("10 MiB") || r.stderr.contains("identity number"), r.stderr)
        XCTAssertNil(try? git(["rev-parse", "--verify", "-q", "contrib/34-kadikoy"], in: fx.central))
    }

    func testABranchMustNameACommit() throws {
        let b = try blob("not a commit\n", in: work)
        assertRefused(try push(b, to: "refs/heads/contrib/34-kadikoy", as: "ayse"), "must point at a commit")
        assertRefused(try push(b, to: "refs/notes/gpmsync-review", as: "elif"), "must point at a commit")
    }

    func testReviewersPushesToMainAreValidated() throws {
        let main = try centralMain()
        let c = try crafted([("40000", Array("data".utf8), try rawTree([("40000", Array("residents".utf8),
            try rawTree([("100644", Array("2025Q1.csv".utf8), try blob(hostileTable, in: work))], in: work))], in: work))])
        assertRefused(try push(c, to: "refs/heads/main", as: "elif"), "2025Q1.csv")
        XCTAssertEqual(try centralMain(), main)
        // The same reviewer's valid change goes through: the refusal above is about the data, not the person.
        let valid = try crafted([("40000", Array("data".utf8), try rawTree([("40000", Array("residents".utf8),
            try rawTree([("100644", Array("2025Q1.csv".utf8), try blob(Tables.residents([("SYR", "F", 100)]), in: work))], in: work))], in: work))])
        try push(valid, to: "refs/heads/main", as: "elif").check()
    }

    func testACentralWithoutMainTakesNothing() throws {
        let empty = fx.dir.sub("srv/empty.git")
        try git(["init", "-q", "--bare", empty])
        try FileManager.default.copyItem(atPath: fx.central + "/hooks/pre-receive", toPath: empty + "/hooks/pre-receive")
        let r = try TestSupport.run("/usr/bin/git", ["push", fx.url("root-admin").replacingOccurrences(of: "central.git", with: "empty.git"), "origin/main:refs/heads/main"], in: work)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("has no main"), r.stderr)
    }

    // MARK: access.csv

    func testAnAccessListThatDoesNotValidateDecidesNothing() throws {
        // An admin's hand edit straight on the server lists ayse twice, the second time as admin.
        let main = try centralMain()
        let access = try git(["show", "main:access.csv"], in: fx.central) + "\nayse,admin,\n"
        let index = fx.dir.sub("index-\(UUID().uuidString)")
        let env = ["GIT_INDEX_FILE": index]
        try git(["read-tree", "main"], in: fx.central, environment: env)
        let id = try blob(access, in: fx.central)
        try git(["update-index", "--add", "--cacheinfo", "100644,\(id),access.csv"], in: fx.central, environment: env)
        let tree = try git(["write-tree"], in: fx.central, environment: env)
        try git(["update-ref", "refs/heads/main", try commit(tree, parents: [main], in: fx.central)], in: fx.central)

        try git(["fetch", "-q", "origin"], in: work)
        let c = try crafted([("100644", Array("profile.yaml".utf8), try blob("org_unit: 34-kadikoy\n", in: work))])
        assertRefused(try push(c, to: "refs/heads/main", as: "ayse"), "access.csv on main does not validate")
        assertRefused(try push(c, to: "refs/heads/contrib/34-kadikoy", as: "ayse"), "access.csv on main does not validate")

        // `validate` says why, and `central grant` refuses names and roles that would break the list.
        let clone = try fx.clone("c", org: "16-nilufer", user: "mehmet")
        let v = try fx.gpmsync(["validate", "access.csv"], in: clone)
        XCTAssertEqual(v.status, 1, v.stdout)
        XCTAssertTrue(v.stdout.contains("listed more than once"), v.stdout)
        for (name, role, org) in [("bad name", "reviewer", ""), ("=cmd", "reviewer", ""), ("\tx", "admin", ""), ("zeynep", "reviewer", "34-kadikoy")] {
            let r = try fx.gpmsync(["central", "grant", name, "--role", role, "--central", fx.central] + (org.isEmpty ? [] : ["--org-unit", org]))
            XCTAssertNotEqual(r.status, 0, "granted \(name) \(role) \(org)")
        }
    }

    // MARK: Intake behind the door

    /// Plants a commit as `contrib/<org>` straight into the central, as if the hook had been bypassed.
    func plant(_ entries: [(mode: String, name: [UInt8], id: String)], org: String) throws -> String {
        let c = try crafted(entries, org: org, base: "main", in: fx.central)
        try git(["update-ref", "refs/heads/contrib/\(org)", c], in: fx.central)
        return c
    }

    func testIntakeIsolatesABrokenContributionAndChecksEveryEntry() throws {
        try git(["config", "gpmsync.autoAccept", "valid"], in: fx.central)
        let bad = try blob(hostileTable, in: fx.central)
        let tree = try rawTree([("100644", Array("x".utf8), bad)], in: fx.central)
        let broken = try plant([("100644", Array("profile.yaml".utf8), tree)], org: "34-kadikoy")
        let slash = try plant([("100644", Array("data/residents/2025Q1.csv".utf8), bad)], org: "16-nilufer")
        let gitlink = try plant([("40000", Array("data".utf8), try rawTree([("40000", Array("residents".utf8),
            try rawTree([("160000", Array("2025Q1.csv".utf8), try centralMain())], in: fx.central))], in: fx.central))], org: "41-izmit")
        let missing = try plant([("100644", Array("profile.yaml".utf8), "0123456789012345678901234567890123456789")], org: "59-corlu")
        let valid = try plant([("40000", Array("data".utf8), try rawTree([("40000", Array("residents".utf8),
            try rawTree([("100644", Array("2025Q1.csv".utf8), try blob(Tables.residents([("SYR", "F", 100)]), in: fx.central))], in: fx.central))],
            in: fx.central))], org: "10-karesi")

        let r = try fx.gpmsync(["central", "process", "--central", fx.central, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        for tip in [broken, slash, gitlink, missing] {
            let note = try git(["notes", "--ref=gpmsync-review", "show", tip], in: fx.central)
            XCTAssertTrue(note.contains("\"state\":\"invalid\""), note)
            XCTAssertEqual(try TestSupport.run("/usr/bin/git", ["merge-base", "--is-ancestor", tip, "main"], in: fx.central).status, 1)
        }
        XCTAssertTrue(try git(["notes", "--ref=gpmsync-review", "show", valid], in: fx.central).contains("\"state\":\"approved\""))
        XCTAssertEqual(try TestSupport.run("/usr/bin/git", ["merge-base", "--is-ancestor", valid, "main"], in: fx.central).status, 0)
        // Nothing of the hostile blob reached main under any path.
        XCTAssertFalse(try git(["log", "-p", "main"], in: fx.central).contains("10000000146"))
        // A later run has nothing left to do and does not fail on what stays there.
        let again = try fx.gpmsync(["central", "process", "--central", fx.central])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("no new contributions"), again.stdout)
    }
}
