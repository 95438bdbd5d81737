import Foundation
import GPMCore
import Git

/// `gpmsync central process`: every new contribution validated again (a branch is never trusted because a
/// hook ran), a `received` or `invalid` note written, and what the central's policy auto-accepts merged.
/// Idempotent: a tip with a note is done; a tip already in `main` whose note was lost to a crash gets it.
public enum CentralProcess {
    public struct Outcome: Sendable, Codable {
        public var org: String
        public var tip: String
        public var state: ReviewNote.State
        public var errors: Int
        public var warnings: Int
        public var merged: Bool
    }

    public static let autoReviewer = "gpmsync-central"

    public static func run(_ session: CentralSession) throws -> [Outcome] {
        let policy = (try? session.git.config().string("gpmsync.autoAccept")) ?? nil
        var outcomes: [Outcome] = []
        for (org, tip) in try session.contributions() {
            guard session.note(tip) == nil, let main = session.main else { continue }
            if try session.git.isAncestor(tip, of: main) {
                try session.writeNote(ReviewNote(state: .approved, reviewer: autoReviewer, reason: "already in main"), on: tip)
                outcomes.append(Outcome(org: org, tip: tip.hex, state: .approved, errors: 0, warnings: 0, merged: true))
                continue
            }
            // Outliers need twelve earlier periods per file: reviewers get them from `review show`.
            let diagnostics = try ContributionCheck.validate(session.git, tip: tip, main: main, orgUnit: org, outliers: false)
            let errors = diagnostics.filter(\.isError).count
            var state: ReviewNote.State = errors > 0 ? .invalid : .received
            var merged = false
            var reason = errors > 0 ? "\(errors) error(s)" : ""
            if errors == 0 && policy == "valid" {
                let result = try session.merge(org: org, tip: tip, by: autoReviewer)
                if result.commit != nil { state = .approved; merged = true; reason = "accepted automatically: valid" }
                else { reason = "waits for a reviewer: \(result.conflicts.count) conflict(s) with main" }
            }
            try session.writeNote(ReviewNote(state: state, reviewer: autoReviewer, reason: reason, diagnostics: diagnostics), on: tip)
            outcomes.append(Outcome(org: org, tip: tip.hex, state: state, errors: errors,
                                    warnings: diagnostics.count - errors, merged: merged))
        }
        try session.publish()
        return outcomes
    }
}
