/// The refs of the SPEC, named once: on the central repository and in a municipality's clone.
public enum Refs {
    /// Accepted data of all municipalities (on central, and a clone's local history).
    public static let main = "refs/heads/main"
    /// Central's `main` as a clone last fetched it.
    public static let centralMain = "refs/remotes/central/main"
    /// One note per reviewed contribution commit; every clone fetches it.
    public static let reviewNotes = "refs/notes/gpmsync-review"
    /// Where a clone writes the submission it is about to push.
    public static let pendingSubmission = "refs/gpmsync/submission"
    /// The prefix of every municipality's contribution branch on central.
    public static let contribPrefix = "refs/heads/contrib/"

    /// A municipality's contribution branch on central.
    public static func contrib(_ org: String) -> String { contribPrefix + org }

    /// A central branch as a clone last fetched it (`contrib/34-kadikoy` → `refs/remotes/central/contrib/34-kadikoy`).
    public static func central(_ branch: String) -> String { "refs/remotes/central/" + branch }

    /// That municipality's contribution branch as a clone last fetched it.
    public static func remoteContrib(_ org: String) -> String { central("contrib/" + org) }

    /// The org unit whose contribution branch `ref` is, nil for any other ref.
    public static func org(ofContrib ref: String) -> String? {
        ref.hasPrefix(contribPrefix) ? String(ref.dropFirst(contribPrefix.count)) : nil
    }
}
