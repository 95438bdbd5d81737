import Foundation
import Synchronization
import GPMCore
import Git

/// The reviewer's side: pending contributions, their semantic diff, approve, reject, has-issues.
public struct Review {
    public let session: CentralSession
    public let reviewer: String

    /// Opens a review for `reviewer`, who must be a reviewer or admin in access.csv on `main`.
    public init(session: CentralSession, reviewer: String?) throws {
        guard let reviewer else {
            throw GPMError(.usage, en: "who is reviewing? give --user NAME or set GPMSYNC_USER", tr: "inceleyici kim? --user AD verin veya GPMSYNC_USER ayarlayın")
        }
        let role = try session.access()[reviewer]?.role
        guard role == .reviewer || role == .admin else {
            throw GPMError(.invalid, en: "\(reviewer) is not a reviewer in access.csv", tr: "\(reviewer), access.csv içinde inceleyici değil")
        }
        self.session = session
        self.reviewer = reviewer
    }

    public struct Pending: Codable, Sendable {
        public var org: String
        public var tip: String
        public var date: String
        public var state: String
        public var files: Int
        public var rowsAdded: Int
        public var rowsRemoved: Int
        public var rowsChanged: Int
        public var errors: Int
        public var warnings: Int
        /// The periods of the record files it changes (`2025Q1`, `2025-03`), sorted.
        public var periods: [String] = []
    }

    /// Contributions not yet in `main`.
    public func list() throws -> [Pending] {
        guard let main = session.main else { return [] }
        var result: [Pending] = []
        for (org, tip) in try session.contributions() where !(try session.git.isAncestor(tip, of: main)) {
            let summary = try Self.summaries.summary(main: main, tip: tip) { try DiffSummary(contributionDiff(tip: tip, main: main)) }
            let note = session.note(tip)
            let diagnostics = try note?.diagnostics ?? ContributionCheck.validate(session.git, tip: tip, main: main, orgUnit: org)
            let info = try session.git.commit(tip)
            result.append(Pending(
                org: org, tip: tip.hex, date: Timestamp.iso8601(info.time),
                state: note?.state.rawValue ?? "new", files: summary.files, rowsAdded: summary.added, rowsRemoved: summary.removed,
                rowsChanged: summary.changed, errors: diagnostics.filter(\.isError).count, warnings: diagnostics.filter { !$0.isError }.count,
                periods: summary.periods))
        }
        return result
    }

    /// What the queue shows of a contribution's diff. A function of the two commits alone (git objects never
    /// change), so a long-running reader (the console) computes it once per tip and `main`.
    struct DiffSummary: Sendable {
        var files, added, removed, changed: Int
        var periods: [String]

        init(_ diff: SemanticDiff) {
            let c = diff.counts
            files = diff.files.count; added = c.added; removed = c.removed; changed = c.changed
            periods = Set(diff.files.compactMap { f -> String? in
                if case .record(_, _, let period) = RepositoryPath(f.path) { return period }
                return nil
            }).sorted()
        }
    }

    final class DiffSummaries: Sendable {
        private let known = Mutex<[String: DiffSummary]>([:])

        func summary(main: ObjectID, tip: ObjectID, compute: () throws -> DiffSummary) rethrows -> DiffSummary {
            let key = main.hex + tip.hex
            if let s = known.withLock({ $0[key] }) { return s }
            let s = try compute()
            known.withLock { all in
                if all.count >= 4096 { all.removeAll() }
                all[key] = s
            }
            return s
        }
    }

    static let summaries = DiffSummaries()

    /// The contribution's changes: from where it forked from `main` to its tip.
    public func show(org: String) throws -> (tip: ObjectID, diff: SemanticDiff, diagnostics: [Diagnostic]) {
        let tip = try self.tip(org)
        guard let main = session.main else { throw GPMError(.usage, en: "central has no main", tr: "merkezde ana veri yok") }
        return (tip, try contributionDiff(tip: tip, main: main), try ContributionCheck.validate(session.git, tip: tip, main: main, orgUnit: org))
    }

    /// Merges the contribution into `main` and notes it approved. `expectedTip`: the full id of the tip the
    /// reviewer saw; a branch that moved since is refused (the reviewer has not seen what it now holds).
    public func approve(org: String, expectedTip: String) throws -> ObjectID {
        try session.withWriterLock {
            let tip = try checkedTip(org, expectedTip)
            guard let main = session.main else { throw GPMError(.usage, en: "central has no main", tr: "merkezde ana veri yok") }
            let diagnostics = try ContributionCheck.validate(session.git, tip: tip, main: main, orgUnit: org)
            if let e = diagnostics.first(where: \.isError) {
                throw GPMError(.invalid, en: "cannot approve: \(e.path): \(e.rule): \(e.message.en)", tr: "onaylanamaz: \(e.path): \(e.rule): \(e.message.tr)")
            }
            let result = try session.merge(org: org, tip: tip, by: reviewer)
            guard let merged = result.commit else {
                let first = result.conflicts.first.map { " \($0.path) \($0.conflict.key)" } ?? ""
                throw GPMError(.invalid, en: "cannot approve: \(result.conflicts.count) conflict(s) with main, first in\(first)",
                               tr: "onaylanamaz: ana veri ile \(result.conflicts.count) çakışma, ilki\(first)")
            }
            try session.writeNote(ReviewNote(state: .approved, reviewer: reviewer, diagnostics: diagnostics), on: tip)
            try session.publish()
            return merged
        }
    }

    /// Sends the contribution back with a reason (`rejected` or `has_issues`).
    public func sendBack(org: String, state: ReviewNote.State, reason: String, expectedTip: String) throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GPMError(.usage, en: "give the reason in words the municipality's staff understand", tr: "gerekçeyi belediye çalışanlarının anlayacağı sözlerle yazın")
        }
        try session.withWriterLock {
            let tip = try checkedTip(org, expectedTip)
            let diagnostics = session.note(tip)?.diagnostics ?? []
            try session.writeNote(ReviewNote(state: state, reviewer: reviewer, reason: reason, diagnostics: diagnostics), on: tip)
            try session.publish()
        }
    }

    func tip(_ org: String) throws -> ObjectID {
        guard let tip = try session.git.reference(Refs.contrib(org)) else {
            throw GPMError(.usage, en: "no contribution from \(org)", tr: "\(org) biriminden gelen katkı yok")
        }
        return tip
    }

    /// The branch's tip, provided it is exactly the one the reviewer saw (a full object id: a prefix of a
    /// few characters would match a moved branch by chance) and it is not already in `main` (data already
    /// accepted cannot be sent back; a later change needs a new contribution).
    func checkedTip(_ org: String, _ expected: String) throws -> ObjectID {
        guard let seen = ObjectID(hex: expected.lowercased()) else {
            throw GPMError(.usage, en: "give the full id of the tip you reviewed (40 hex digits, as 'review show \(org)' prints it)",
                           tr: "incelediğiniz son kaydın tam kimliğini verin ('review show \(org)' komutunun yazdığı 40 onaltılık hane)")
        }
        let tip = try self.tip(org)
        guard tip == seen else {
            throw GPMError(.invalid, en: "contrib/\(org) moved to \(tip.short) since you saw \(seen.short); run 'review show \(org)' again",
                           tr: "contrib/\(org), gördüğünüz \(seen.short) sürümünden sonra \(tip.short) oldu; 'review show \(org)' komutunu yeniden çalıştırın")
        }
        if let main = session.main, try session.git.isAncestor(tip, of: main) {
            throw GPMError(.invalid, en: "contrib/\(org) at \(tip.short) is already in main; a later change needs a new contribution",
                           tr: "contrib/\(org) \(tip.short) zaten ana veride; sonraki bir değişiklik için yeni bir katkı gerekir")
        }
        return tip
    }

    func contributionDiff(tip: ObjectID, main: ObjectID) throws -> SemanticDiff {
        let base = try CommitMerger(git: session.git).ancestorTree(main, tip)
        return try Differ.between(session.git, from: base, to: try session.git.commit(tip).tree)
    }
}
