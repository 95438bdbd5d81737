#if canImport(Glibc)
import Glibc
#endif

/// A moment as ISO 8601 in UTC (`2026-03-01T09:30:00Z`), the form commits and notes are shown in. Written
/// by hand on gmtime_r: Foundation's ISO8601DateFormatter builds an ICU formatter per instance, which was
/// most of the reviewers' queue (164 contributions, one date each).
public enum Timestamp {
    public static func iso8601(_ secondsSinceEpoch: Int64) -> String {
        var t = time_t(secondsSinceEpoch)
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return "\(secondsSinceEpoch)" }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = Int(parts.tm_year) + 1900
        let y = year >= 0 && year < 10_000 ? String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year) : String(year)
        return "\(y)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
