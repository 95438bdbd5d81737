import Foundation
import GPMCore
@testable import GPMSync
import Git
import TestSupport
import XCTest

/// The sync layer's decisions, on real repositories on disk but without any server: access rules at the
/// door, what a submission would carry, resolving a recorded conflict, and the conflict store's format.
final class LogicWithoutServersTests: XCTestCase {
    let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"

    func central(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.sub("central.git")
        try CentralSetup.create(at: path)
        try CentralSetup.grant(central: path, user: "ayse", role: .municipality, orgUnit: "34-kadikoy")
        try CentralSetup.grant(central: path, user: "elif", role: .reviewer, orgUnit: nil)
        return path
    }

    func clone(_ dir: TemporaryDirectory, central: String) throws -> DataRepository {
        try CloneSetup.create(at: dir.sub("a"), orgUnit: "34-kadikoy", centralURL: central, user: "ayse")
        return try DataRepository(path: dir.sub("a"))
    }

    // MARK: access rules

    func testTheDoorLetsEachRoleUpdateOnlyItsOwnRefs() throws {
        let dir = TemporaryDirectory()
        let git = try Repository.open(try central(dir))
        let main = try XCTUnwrap(try git.reference(Refs.main))
        func update(_ ref: String, by user: String?) -> String? {
            do {
                try PreReceive.check(git, updates: [PreReceive.Update(old: ObjectID.zero, new: main, ref: ref)], user: user)
                return nil
            } catch { return error.rule + ": " + error.en }
        }
        XCTAssertNil(update(Refs.contrib("34-kadikoy"), by: "ayse"))
        XCTAssertEqual(update(Refs.contrib("16-nilufer"), by: "ayse")?.hasPrefix("access: ayse may update only refs/heads/contrib/34-kadikoy"), true)
        XCTAssertNotNil(update(Refs.main, by: "ayse"))
        XCTAssertNotNil(update(Refs.reviewNotes, by: "ayse"))
        XCTAssertNil(update(Refs.reviewNotes, by: "elif"))
        XCTAssertNotNil(update(Refs.contrib("34-kadikoy"), by: "elif"), "a reviewer does not write a municipality's branch")
        XCTAssertEqual(update(Refs.contrib("34-kadikoy"), by: "stranger"), "access: user 'stranger' is not in access.csv")
        XCTAssertEqual(update(Refs.contrib("34-kadikoy"), by: nil), "access: the server could not tell who is pushing")
        XCTAssertEqual(PreReceive.pusher(["GL_USER": "ayse"]), "ayse")
        XCTAssertEqual(PreReceive.pusher(["REMOTE_USER": "elif", "GPMSYNC_USER": ""]), "elif")
    }

    // MARK: submission planning

    func testTheOutboxCarriesTheOwnFolderAndHoldsBackAnIdentityNumber() throws {
        let dir = TemporaryDirectory()
        let repo = try clone(dir, central: try central(dir))
        let profile = "municipalities/34-kadikoy/profile.yaml"
        XCTAssertEqual(try Outbox.plan(repo).map { Array($0.desiredOwn.keys) }, [profile], "a fresh clone sends its starter profile")
        try write(Tables.residents([("SYR", "F", 100)]), to: repo.root + "/" + residents)
        let services = "municipalities/34-kadikoy/data/services/2025-03.csv"
        try write(Tables.servicesHeader + "education,TP,SYR,F,ALL,10,12,service_log,,TC 10000000146\n", to: repo.root + "/" + services)
        _ = try Committer.commit(repo)
        let plan = try XCTUnwrap(try Outbox.plan(repo))
        XCTAssertFalse(plan.isEmpty)
        XCTAssertNotNil(plan.desiredOwn[residents])
        XCTAssertNil(plan.desiredOwn[services], "a file with an identity number is never in a submission")
        XCTAssertNil(plan.previousOwn[residents])
        XCTAssertEqual(try plan.diff(repo.git).files.map(\.path).sorted(), [residents, profile])
        // Nothing outside the own folder: the planned tree is central's main plus the own folder.
        let tree = try plan.tree(repo.git)
        let outside = try repo.git.diff(from: plan.mainTree, to: tree).map(\.path).filter { !$0.hasPrefix("municipalities/34-kadikoy/") }
        XCTAssertEqual(outside, [])
    }

    // MARK: resolution

    func recordConflict(_ repo: DataRepository) throws {
        try write(Tables.residents([("SYR", "F", 122), ("SYR", "M", 90)]), to: repo.root + "/" + residents)
        _ = try Committer.commit(repo)
        let conflict = CellConflict(key: "TP|SYR|F|ALL", field: "count", ancestor: "100", ours: "122", theirs: "111")
        try ConflictStore(repository: repo).save([RecordedConflict(path: residents, conflict: conflict,
                                                                   sides: .localAndCentral(local: "a", central: "b"))])
    }

    func testResolvingTakesTheirsIntoTheCellAndNothingElse() throws {
        let dir = TemporaryDirectory()
        let repo = try clone(dir, central: try central(dir))
        try recordConflict(repo)
        XCTAssertEqual(try Resolution.resolve(repo, path: residents, choice: .theirs), 1)
        let text = try String(contentsOfFile: repo.root + "/" + residents, encoding: .utf8)
        XCTAssertTrue(text.contains("TP,SYR,F,ALL,111,"), text)
        XCTAssertTrue(text.contains("TP,SYR,M,ALL,90,"), "the other rows are untouched: \(text)")
        XCTAssertEqual(ConflictStore(repository: repo).load(), [])
        XCTAssertEqual(try repo.git.workingTreeChanges().map(\.path), [], "the resolution is committed")
    }

    func testAResolutionThatMatchesNoConflictChangesNothing() throws {
        let dir = TemporaryDirectory()
        let repo = try clone(dir, central: try central(dir))
        try recordConflict(repo)
        let before = try String(contentsOfFile: repo.root + "/" + residents, encoding: .utf8)
        XCTAssertThrowsError(try Resolution.resolve(repo, path: residents, choice: .value(key: "TP|IRQ|F|ALL/count", value: "5")))
        XCTAssertEqual(try String(contentsOfFile: repo.root + "/" + residents, encoding: .utf8), before)
        XCTAssertEqual(ConflictStore(repository: repo).load().count, 1)
        XCTAssertEqual(try Resolution.resolve(repo, path: residents, choice: .value(key: "TP|SYR|F|ALL/count", value: "115")), 1)
        XCTAssertTrue(try String(contentsOfFile: repo.root + "/" + residents, encoding: .utf8).contains("TP,SYR,F,ALL,115,"))
    }

    // MARK: the conflict store

    /// A store written before the sides were neutral still reads: its conflicts are a person's pending work.
    func testAStoreWrittenByTheEarlierFormatStillReads() throws {
        let legacy = #"[{"path":"p.csv","key":"K","field":"count","ancestor":"1","local":"2","central":"3","localCommit":"aa","centralCommit":"bb"}]"#
        let read = try JSONDecoder().decode([RecordedConflict].self, from: Data(legacy.utf8))
        XCTAssertEqual(read, [RecordedConflict(path: "p.csv", conflict: CellConflict(key: "K", field: "count", ancestor: "1", ours: "2", theirs: "3"),
                                               sides: .localAndCentral(local: "aa", central: "bb"))])
        let again = try JSONDecoder().decode([RecordedConflict].self, from: try JSONEncoder().encode(read))
        XCTAssertEqual(again, read)
    }
}
