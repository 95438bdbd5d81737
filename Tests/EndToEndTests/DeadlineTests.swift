import Foundation
import GPMSync
import TestSupport
import XCTest

/// Issue 10: when the deadline gives up on a network call, the thread blocked in libgit2 cannot be stopped;
/// it must not outlive the clone's lock (it could write the repository while another process holds it).
final class DeadlineTests: XCTestCase {
    let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"

    /// A clone with an edit, whose central accepts connections and never answers; a deadline of 1 s.
    func cloneFacingASilentServer() throws -> (Fixture, String, ServerProcess) {
        let f = try Fixture(users: [("ayse", "municipality", "34-kadikoy")])
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let silent = try startSilentListener()
        try git(["config", "remote.central.url", "git://127.0.0.1:\(silent.port)/central.git"], in: a)
        try git(["config", "gpmsync.timeout", "1"], in: a)
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        return (f, a, silent)
    }

    final class Observation: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var lockHeld = false
        var stateKind: String?
        var failure: GPMError?
    }

    /// In the process itself: the step past its deadline ends the process (here: the hook that would) while
    /// the sync still holds the clone's lock, after the sync state was saved as offline.
    func testAStepPastItsDeadlineEndsTheProcessWhileTheLockIsHeld() throws {
        let (f, a, silent) = try cloneFacingASilentServer()
        defer { withExtendedLifetime((f, silent)) {} }
        nonisolated(unsafe) let repo = try DataRepository(path: a)
        let observed = Observation()
        let previous = Network.endProcess
        defer { Network.endProcess = previous }
        Network.endProcess = { failure in
            let inspector = try! DataRepository(path: a)
            if let fd = try? Locks.tryHold(inspector, "sync") { close(fd) } else { observed.lockHeld = true }
            observed.stateKind = SyncState.load(inspector).lastFailureKind
            observed.failure = failure
            observed.done.signal()
            // The process would end here; this thread stays, as the process's threads would, holding the lock.
            while true { pause() }
        }
        let cycle = Thread { _ = try? SyncCycle.run(repo) }
        cycle.start()
        XCTAssertEqual(observed.done.wait(timeout: .now() + 30), .success, "the sync went on past its deadline")
        XCTAssertTrue(observed.lockHeld, "the clone's lock was released while the network step still ran")
        XCTAssertEqual(observed.stateKind, "offline", "the sync state was not saved before the end")
        XCTAssertEqual(observed.failure?.exitCode, .offline)
        XCTAssertTrue(observed.failure?.en.contains("all work is kept on this computer") ?? false)
        XCTAssertNotNil(observed.failure?.detail, "libgit2's (here the deadline's) own words are kept for --verbose and the logs")
    }

    /// The command: exit 3 with the offline message, the edit committed, the state saved, the lock free.
    func testTheCommandExitsOfflineWithItsStateSaved() throws {
        let (f, a, silent) = try cloneFacingASilentServer()
        defer { withExtendedLifetime((f, silent)) {} }
        let r = try f.gpmsync(["sync", "--lang", "tr"], in: a)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("merkez depoya ulaşılamadı"), r.stderr)
        XCTAssertTrue(try git(["show", "HEAD:\(residents)"], in: a).contains("TP,SYR,F,ALL,100"))
        let status = try f.gpmsync(["status", "--format", "json"], in: a).check()
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["state"] as? String, "offline", status.stdout)
        try f.gpmsync(["commit"], in: a).check()
        // A value from the clone's config cannot make the deadline trap: held to between 1 s and a day (a
        // server that refuses the connection answers at once).
        for timeout in ["-5", "0"] {
            try git(["config", "gpmsync.timeout", timeout], in: a)
            XCTAssertEqual(try f.gpmsync(["sync"], in: a).status, 3, timeout)
        }
        try git(["config", "remote.central.url", "git://127.0.0.1:\(freePort())/central.git"], in: a)
        try git(["config", "gpmsync.timeout", "9223372036854775807"], in: a)
        XCTAssertEqual(try f.gpmsync(["sync"], in: a).status, 3)
    }
}
