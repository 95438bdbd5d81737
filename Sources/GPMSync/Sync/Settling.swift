import Foundation

/// Which changed files have held still long enough to be recorded. The daemon commits only those, so a
/// file still being written (or replaced by `sed -i`, an editor's save) waits for a later round instead of
/// being recorded half-written.
///
/// A file is settled when its status-change time and its modification time are both at least `quiet`
/// old. Every write, rename, chmod or link moves the status-change time, and no tool can set it back (a
/// `touch -d` or `tar` that dates the modification time back still moves it). A deleted file has no times:
/// it is settled when the nearest folder still holding its place has not changed for `quiet`, so a file
/// removed and written again by an editor is not recorded as deleted in between. A time in the future
/// (the clock was set back) counts as a change now: such files wait until the clock passes them.
public final class Settling {
    public let quiet: Duration
    let root: String
    /// The stamp of each file judged settled, to notice a write that starts after the judgement.
    private var judged: [String: FileStamp] = [:]

    public init(root: String, quiet: Duration) {
        self.root = root
        self.quiet = quiet
    }

    /// Whether `path` (relative to the working tree) has been still for `quiet`; remembers its stamp.
    public func isSettled(_ path: String) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let limit = Self.nanoseconds(now) - Self.nanoseconds(quiet)
        guard let stamp = stampOfPlace(path), stamp.changed <= limit else { return false }
        judged[path] = stamp
        return true
    }

    /// The paths judged settled that have changed since (a writer that started while they were read).
    public func movedSinceJudged() -> [String] {
        judged.compactMap { path, before in stampOfPlace(path) == before ? nil : path }.sorted()
    }

    /// The file's stamp; for a deleted file, that of the nearest existing folder above it, whose times
    /// tell when the entry went away.
    private func stampOfPlace(_ path: String) -> FileStamp? {
        var place = path
        while true {
            if let stamp = FileStamp(place.isEmpty ? root : root + "/" + place) { return stamp }
            if place.isEmpty { return nil }
            place = place.lastIndex(of: "/").map { String(place[..<$0]) } ?? ""
        }
    }

    static func nanoseconds(_ t: timespec) -> Int64 {
        Int64(t.tv_sec).multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ Int64(t.tv_nsec)
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        guard s < Int64.max / 1_000_000_000 else { return Int64.max / 2 }
        return max(0, s) * 1_000_000_000 + atto / 1_000_000_000
    }
}

/// What tells one state of a file from the next: its inode, size and both change times (lstat: a symbolic
/// link is judged as itself, never through its target).
struct FileStamp: Equatable, Sendable {
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var statusChanged: Int64
    /// The later of the two times: the last moment anything happened to the file.
    var changed: Int64 { max(modified, statusChanged) }

    init?(_ absolutePath: String) {
        var st = stat()
        guard lstat(absolutePath, &st) == 0 else { return nil }
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modified = Settling.nanoseconds(st.st_mtim)
        statusChanged = Settling.nanoseconds(st.st_ctim)
    }
}
