import Foundation
import GPMCore
import GPMSync
import Git

/// What an export is made of: the tree of central `main` (read from the central repository, a URL's cached
/// mirror, or a clone's `central/main`), and the provenance of what it holds.
public struct MainSnapshot {
    public let source: FileSource
    public let commit: String
    /// Commit time of `main`'s tip, seconds since 1970.
    public let time: Int64
    /// Where it was read: a path, a URL, or `central/main` of a clone.
    public let origin: String
    /// The contributions merged into `main`, newest first.
    public let accepted: [AcceptedContribution]

    /// One contribution merged into `main`, with the review note on its tip.
    public struct AcceptedContribution: Sendable, Equatable {
        public var org: String
        public var tip: String
        public var merge: String
        public var mergedAt: Int64
        public var reviewer: String?
        public var state: String?
        public var reviewedAt: String?
    }

    /// `central`: a path or URL (else the clone's `central/main` when `root` is a clone, else `root` as the
    /// central repository itself).
    public static func open(central: String?, root: String) throws -> MainSnapshot {
        if central == nil, let clone = try? DataRepository(path: root), let tip = try clone.git.reference(Refs.centralMain) {
            return try snapshot(clone.git, tip: tip, origin: "central/main")
        }
        let clone = try? DataRepository(path: root)
        let location = central ?? root
        let session = try CentralSession(location: location, credentials: clone?.credentials() ?? Credentials(),
                                         timeout: clone?.timeout ?? .seconds(60))
        guard let main = session.main else {
            throw GPMError(.usage, en: "\(location) has no main to export", tr: "\(location) içinde dışa aktarılacak ana veri yok")
        }
        return try snapshot(session.git, tip: main, origin: location)
    }

    static func snapshot(_ git: Repository, tip: ObjectID, origin: String) throws -> MainSnapshot {
        let info = try git.commit(tip)
        var accepted: [AcceptedContribution] = []
        for id in try git.log(from: tip) {
            let c = try git.commit(id)
            guard c.parents.count >= 2 else { continue }
            let contribution = c.parents[1]
            let note = ((try? git.note(on: contribution, ref: Refs.reviewNotes)) ?? nil).flatMap(ReviewNote.init(json:))
            accepted.append(AcceptedContribution(
                org: Self.org(inMergeMessage: c.message) ?? "?", tip: contribution.hex, merge: id.hex, mergedAt: c.time,
                reviewer: note?.reviewer, state: note?.state.rawValue, reviewedAt: note?.at))
        }
        return MainSnapshot(source: try TreeSource(repository: git, tree: info.tree), commit: tip.hex, time: info.time,
                            origin: origin, accepted: accepted)
    }

    /// `Accept contribution of 34-kadikoy (…)`, as `CentralSession.merge` writes it.
    static func org(inMergeMessage message: String) -> String? {
        let prefix = "Accept contribution of "
        guard message.hasPrefix(prefix) else { return nil }
        let org = message.dropFirst(prefix.count).prefix { $0 != " " && $0 != "\n" }
        return isOrgUnit(String(org)) ? String(org) : nil
    }
}
