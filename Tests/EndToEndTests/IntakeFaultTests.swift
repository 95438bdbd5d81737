import Foundation
import TestSupport
import XCTest

/// `central process` as operations meet it: killed at random instants, two runs at once, locks left by a
/// killed run or held by a live git, a push while a run merges, a full disk.
final class IntakeFaultTests: XCTestCase {
    var dir: TemporaryDirectory!
    var central: String { dir.sub("central.git") }

    override func setUpWithError() throws {
        dir = TemporaryDirectory("gpmsync-intake")
        try gpm(["central", "init", central]).check()
        try git(["config", "gpmsync.autoAccept", "valid"], in: central)
    }

    @discardableResult
    func gpm(_ args: [String], env: [String: String] = [:]) throws -> ProcessResult {
        try TestSupport.run(gpmsyncBinary, args, environment: env.merging(["LANG": "C"], uniquingKeysWith: { a, _ in a }))
    }

    func process(_ extra: [String] = [], env: [String: String] = [:], in repo: String? = nil) throws -> ProcessResult {
        try gpm(["central", "process", "--central", repo ?? central] + extra, env: env)
    }

    /// The first `count` org units of the code list.
    func orgUnits(_ count: Int) throws -> [String] {
        let list = try git(["show", "main:codelists/org_units.csv"], in: central).split(separator: "\n").dropFirst()
        return Array(list.prefix(count).map { String($0.split(separator: ",")[0]) })
    }

    /// Plants a contribution of `org` on `base` (a residents table) straight into `repo`; returns its tip.
    @discardableResult
    func plant(_ org: String, count: Int = 100, base: String = "main", in repo: String? = nil) throws -> String {
        let repo = repo ?? central
        let env = ["GIT_INDEX_FILE": dir.sub("index-\(UUID().uuidString)")]
        let file = dir.sub("table-\(UUID().uuidString)")
        try write(Tables.residents([("SYR", "F", count)]), to: file)
        let blob = try git(["hash-object", "-w", file], in: repo)
        try git(["read-tree", base], in: repo, environment: env)
        try git(["update-index", "--add", "--cacheinfo", "100644,\(blob),municipalities/\(org)/data/residents/2025Q1.csv"], in: repo, environment: env)
        let tree = try git(["write-tree"], in: repo, environment: env)
        let parent = try git(["rev-parse", base], in: repo)
        let tip = try git(["commit-tree", tree, "-p", parent, "-m", "\(org): residents"], in: repo)
        try git(["update-ref", "refs/heads/contrib/\(org)", tip], in: repo)
        return tip
    }

    func note(_ tip: String, in repo: String? = nil) -> String? {
        try? git(["notes", "--ref=gpmsync-review", "show", tip], in: repo ?? central)
    }

    func isInMain(_ tip: String, in repo: String? = nil) throws -> Bool {
        try TestSupport.run("/usr/bin/git", ["merge-base", "--is-ancestor", tip, "main"], in: repo ?? central).status == 0
    }

    func refs(in repo: String? = nil) throws -> String { try git(["for-each-ref"], in: repo ?? central) }

    /// Every contribution merged exactly once, every tip noted, the repository sound, and a further run idle.
    func assertSettled(_ tips: [String: String], in repo: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let subjects = try git(["log", "--format=%s", "main"], in: repo ?? central).split(separator: "\n")
        for (org, tip) in tips {
            XCTAssertTrue(try isInMain(tip, in: repo), "\(org) not merged", file: file, line: line)
            XCTAssertEqual(subjects.filter { $0.hasPrefix("Accept contribution of \(org) ") }.count, 1, "\(org) merged more than once", file: file, line: line)
            XCTAssertNotNil(note(tip, in: repo), "\(org) has no note", file: file, line: line)
        }
        let fsck = try TestSupport.run("/usr/bin/git", ["fsck", "--strict", "--no-dangling"], in: repo ?? central)
        XCTAssertEqual(fsck.status, 0, fsck.stdout + fsck.stderr, file: file, line: line)
        XCTAssertEqual(try git(["notes", "--ref=gpmsync-review", "list"], in: repo ?? central).split(separator: "\n").count, tips.count,
                       "a note was written twice or for something else", file: file, line: line)
        let before = try refs(in: repo)
        try process(in: repo).check()
        XCTAssertEqual(try refs(in: repo), before, "a further run changed something", file: file, line: line)
    }

    func testKilledAtRandomInstantsFiftyTimesThenFinished() throws {
        var tips: [String: String] = [:]
        for org in try orgUnits(30) { tips[org] = try plant(org) }
        var rng = SplitMix(state: 17)
        var killedMidRun = 0, locksLeft = 0
        for _ in 0..<50 {
            let pid = try spawn(gpmsyncBinary, ["central", "process", "--central", central], in: dir.path)
            // A random instant to cut the run: fault injection, not synchronisation.
            usleep(UInt32(rng.next() % 400_000))
            kill(pid, SIGKILL)
            if reap(pid) == 128 + SIGKILL { killedMidRun += 1 }
            for lock in ["refs/heads/main.lock", "refs/notes/gpmsync-review.lock"] where FileManager.default.fileExists(atPath: central + "/" + lock) {
                locksLeft += 1
            }
        }
        print("intake kill test: 50 kills, \(killedMidRun) mid-run, \(locksLeft) left a ref lock behind")
        XCTAssertGreaterThan(killedMidRun, 10, "too few kills landed inside a run to mean anything")
        try process().check()
        try assertSettled(tips)
    }

    func testTwoRunsStartedTogether() throws {
        var tips: [String: String] = [:]
        for org in try orgUnits(12) { tips[org] = try plant(org) }
        let runs = try (0..<2).map { _ in try spawn(gpmsyncBinary, ["central", "process", "--central", central, "--wait", "120"], in: dir.path) }
        for pid in runs { XCTAssertEqual(reap(pid), 0) }
        try assertSettled(tips)
    }

    func testARunInProgressIsLeftToItsWork() throws {
        let tip = try plant("34-kadikoy")
        // Hold the writer lock as a run in progress would.
        try FileManager.default.createDirectory(atPath: central + "/gpmsync", withIntermediateDirectories: true)
        let fd = open(central + "/gpmsync/central.lock", O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let before = try refs()
        let r = try process(["--wait", "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("another central process run is in progress"), r.stdout)
        XCTAssertEqual(try refs(), before)
        close(fd)
        try process().check()
        try assertSettled(["34-kadikoy": tip])
    }

    func testLocksAKilledRunLeftAreRecoveredButALiveGitsAreNot() throws {
        let tip = try plant("34-kadikoy")
        // What a run killed inside a ref update leaves.
        for lock in ["refs/heads/main.lock", "refs/notes/gpmsync-review.lock"] {
            try FileManager.default.createDirectory(atPath: (central + "/" + lock as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try write("0000000000000000000000000000000000000000\n", to: central + "/" + lock)
        }
        try process().check()
        XCTAssertTrue(try isInMain(tip))
        XCTAssertNotNil(note(tip))

        // A git process working in the repository whose ref lock is fresh: never taken from it.
        let second = try plant("16-nilufer")
        let live = try LiveGit(["cat-file", "--batch"], in: central)
        try write("0000000000000000000000000000000000000000\n", to: central + "/refs/heads/main.lock")
        let r = try process()
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot be written"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: central + "/refs/heads/main.lock"))
        XCTAssertFalse(try isInMain(second))
        XCTAssertNil(note(second), "a contribution was blamed for the server's lock")
        try live.finish()
        // That git is gone and left its lock: now it is stale.
        try process().check()
        try assertSettled(["34-kadikoy": tip, "16-nilufer": second])
    }

    func testAPushDuringARunIsProcessedByTheNextRun() throws {
        let first = try plant("34-kadikoy")
        let pause = dir.sub("pause")
        try write("", to: pause)
        let pid = try spawn(gpmsyncBinary, ["central", "process", "--central", central], in: dir.path,
                            environment: ["GPMSYNC_TEST_PAUSE_BEFORE_MERGE": pause])
        XCTAssertTrue(waitUntil { FileManager.default.fileExists(atPath: pause + ".waiting") })
        // The municipality pushes again while the run is about to merge the tip it validated.
        let second = try plant("34-kadikoy", count: 120, base: first)
        try FileManager.default.removeItem(atPath: pause)
        XCTAssertEqual(reap(pid), 0)
        XCTAssertTrue(try isInMain(first))
        XCTAssertFalse(try isInMain(second), "a tip the run had not validated was merged")
        XCTAssertNil(note(second))
        try process().check()
        XCTAssertTrue(try isInMain(second))
        XCTAssertNotNil(note(second))
    }

    func testAFullDiskFailsTheRunCleanlyAndTheNextRunSucceeds() throws {
        guard let disk = try SmallDisk.mount(at: dir.sub("small"), size: "2m") else {
            throw XCTSkip("cannot mount a small tmpfs here (needs root)")
        }
        defer { disk.unmount() }
        let mount = disk.path
        let repo = mount + "/central.git"
        try git(["clone", "-q", "--bare", "--no-local", central, repo])
        try git(["config", "gpmsync.autoAccept", "valid"], in: repo)
        let tip = try plant("34-kadikoy", in: repo)
        // Fill what is left of the disk.
        let filler = mount + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 4096)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
        let before = try refs(in: repo)
        let r = try process(in: repo)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("Free disk space"), r.stderr)
        XCTAssertEqual(try refs(in: repo), before, "main or the notes moved on a full disk")
        XCTAssertNil(note(tip, in: repo))
        try FileManager.default.removeItem(atPath: filler)
        try process(in: repo).check()
        try assertSettled(["34-kadikoy": tip], in: repo)
    }
}
