import Foundation
import GPMCore
import Git
import Logging

/// `gpmsync central process`: every new contribution validated again (a branch is never trusted because a
/// hook ran), a `received` or `invalid` note written, and what the central's policy auto-accepts merged.
///
/// Safe to run from cron and a post-receive hook at once, and to kill at any instant:
/// - one run at a time (the central's writer lock); a second run waits a bounded time, then leaves it to
///   the one in progress;
/// - each contribution is handled on its own: one that cannot be read or merged gets an `invalid` note with
///   the reason and the others go on; only a failure to write (a full disk, permissions) stops the run,
///   leaving `main` and the notes as they were;
/// - every step is idempotent: a tip with a note is done; a tip already in `main` whose note was lost to a
///   kill gets it (so nothing is merged twice or noted twice); `main` and the notes move only by atomic
///   reference updates, so a kill leaves no merge commit on them that is not complete;
/// - a run merges the tip it validated (by id), never whatever the branch holds by then: a push during a
///   run is processed by the next one.
public enum CentralProcess {
    public struct Outcome: Sendable, Codable {
        public var org: String
        public var tip: String
        public var state: ReviewNote.State
        public var errors: Int
        public var warnings: Int
        public var merged: Bool
        public var reason: String
    }

    public static let autoReviewer = "gpmsync-central"

    /// Processes every new contribution; nil when another run held the writer lock for all of `wait`.
    public static func run(_ session: CentralSession, wait: Duration = .seconds(10),
                           logger: Logger = Logger(label: "gpmsync.central")) throws -> [Outcome]? {
        guard let lock = try session.holdWriterLock(wait: wait) else {
            logger.notice("another central process run is in progress; this one leaves the work to it")
            return nil
        }
        defer { close(lock) }
        let policy = (try? session.git.config().string("gpmsync.autoAccept")) ?? nil
        var outcomes: [Outcome] = []
        for (org, tip) in try session.contributions() {
            guard session.note(tip) == nil else { continue }
            guard let main = session.main else {
                throw GPMError(.usage, en: "the central repository has no main; create it with 'gpmsync central init'",
                               tr: "merkez deponun ana verisi yok; 'gpmsync central init' ile oluşturun")
            }
            let outcome: Outcome
            do {
                outcome = try process(session, org: org, tip: tip, main: main, autoAccept: policy == "valid")
            } catch let e as GitError where e.isLocalFailure {
                throw operational(e, logger)
            } catch {
                // The contribution itself cannot be read or merged: say so on it, and go on with the others.
                let reason = "cannot be processed: \((error as? GitError)?.message ?? String(describing: error))"
                do {
                    try session.writeNote(ReviewNote(state: .invalid, reviewer: autoReviewer, reason: reason), on: tip)
                } catch let e as GitError where e.isLocalFailure {
                    throw operational(e, logger)
                } catch {
                    logger.error("cannot note the contribution", metadata: ["org": "\(org)", "tip": "\(tip.hex)", "error": "\(error)"])
                    continue
                }
                outcome = Outcome(org: org, tip: tip.hex, state: .invalid, errors: 1, warnings: 0, merged: false, reason: reason)
            }
            logger.info("contribution processed", metadata: [
                "org": "\(org)", "tip": "\(tip.hex)", "state": "\(outcome.state.rawValue)", "errors": "\(outcome.errors)",
                "merged": "\(outcome.merged)"])
            outcomes.append(outcome)
        }
        try session.publish()
        return outcomes
    }

    static func process(_ session: CentralSession, org: String, tip: ObjectID, main: ObjectID, autoAccept: Bool) throws -> Outcome {
        if try session.git.isAncestor(tip, of: main) {
            try session.writeNote(ReviewNote(state: .approved, reviewer: autoReviewer, reason: "already in main"), on: tip)
            return Outcome(org: org, tip: tip.hex, state: .approved, errors: 0, warnings: 0, merged: true, reason: "already in main")
        }
        // Outliers need twelve earlier periods per file: reviewers get them from `review show`.
        let diagnostics = try ContributionCheck.validate(session.git, tip: tip, main: main, orgUnit: org, outliers: false)
        let errors = diagnostics.filter(\.isError).count
        var state: ReviewNote.State = errors > 0 ? .invalid : .received
        var merged = false
        var reason = errors > 0 ? "\(errors) error(s)" : ""
        if errors == 0 && autoAccept {
            pauseForTests()
            let result = try session.merge(org: org, tip: tip, by: autoReviewer)
            if result.commit != nil { state = .approved; merged = true; reason = "accepted automatically: valid" }
            else { reason = "waits for a reviewer: \(result.conflicts.count) conflict(s) with main" }
        }
        try session.writeNote(ReviewNote(state: state, reviewer: autoReviewer, reason: reason, diagnostics: diagnostics), on: tip)
        return Outcome(org: org, tip: tip.hex, state: state, errors: errors, warnings: diagnostics.count - errors, merged: merged, reason: reason)
    }

    /// A failure to write to the central repository: the run stops, nothing half-done is left on `main` or
    /// the notes, and the operator is told what to do.
    static func operational(_ e: GitError, _ logger: Logger) -> GPMError {
        logger.error("central process stopped: cannot write to the central repository", metadata: ["error": "\(e.message)", "call": "\(e.function)"])
        return GPMError(.usage, en: "central process stopped: the central repository cannot be written. Free disk space or fix the permissions, then run it again; main and the notes are as they were.",
                        tr: "central process durdu: merkez depoya yazılamıyor. Disk alanı açın veya izinleri düzeltin, sonra yeniden çalıştırın; ana veri ve inceleme notları olduğu gibi duruyor.",
                        detail: "\(e.function): \(e.message)")
    }

    /// For the tests of a push that lands while a run merges: with `GPMSYNC_TEST_PAUSE_BEFORE_MERGE=FILE`,
    /// the run announces `FILE.waiting` and waits (at most a minute) until the test removes FILE.
    static func pauseForTests() {
        guard let file = ProcessInfo.processInfo.environment["GPMSYNC_TEST_PAUSE_BEFORE_MERGE"],
              FileManager.default.fileExists(atPath: file) else { return }
        FileManager.default.createFile(atPath: file + ".waiting", contents: Data())
        let deadline = ContinuousClock.now + .seconds(60)
        while FileManager.default.fileExists(atPath: file), ContinuousClock.now < deadline { usleep(20_000) }
    }
}
