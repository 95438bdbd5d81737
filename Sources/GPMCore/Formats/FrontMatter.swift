/// The one place a document is split into its YAML front matter and its body.
///
/// A good-practice document starts with a `---` line, the front matter, and a `---` (or YAML's `...`) line;
/// a profile is YAML alone, read as if it were fenced. A byte-order mark and CRLF line endings, which
/// editors on Windows write, are accepted and remembered so the document can be written back as it came.
public struct FrontMatter: Sendable, Equatable {
    /// The YAML lines, without line endings.
    public var lines: [String]
    /// The text after the closing fence (empty for a profile).
    public var body: String
    /// The line the body starts on (1-based).
    public var bodyFirstLine: Int
    /// Whether the text was fenced (a document) or YAML alone (a profile).
    public var fenced: Bool
    public var byteOrderMark: Bool
    public var lineEnding: String

    public var yaml: String { lines.joined(separator: "\n") }

    /// A fenced document; nil when it does not start with `---` or has no closing fence.
    public static func document(_ text: String) -> FrontMatter? {
        let (lines, bom, ending) = normalizedLines(text)
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(where: { $0 == "---" || $0 == "..." }) else { return nil }
        return FrontMatter(lines: Array(lines[1..<end]), body: lines[(end + 1)...].joined(separator: "\n"), bodyFirstLine: end + 2,
                           fenced: true, byteOrderMark: bom, lineEnding: ending)
    }

    /// A profile: the whole text is the front matter.
    public static func profile(_ text: String) -> FrontMatter {
        var (lines, bom, ending) = normalizedLines(text)
        if lines.last == "" { lines.removeLast() }
        return FrontMatter(lines: lines, body: "", bodyFirstLine: lines.count + 1, fenced: false, byteOrderMark: bom, lineEnding: ending)
    }

    /// The text written back: fences for a document, the original mark and line endings.
    public func text() -> String {
        let joined = fenced ? (["---"] + lines + ["---"]).joined(separator: "\n") + "\n" + body : yaml + "\n"
        let ended = lineEnding == "\n" ? joined : joined.replacingOccurrences(of: "\n", with: lineEnding)
        return (byteOrderMark ? "\u{FEFF}" : "") + ended
    }

    static func normalizedLines(_ text: String) -> (lines: [String], bom: Bool, ending: String) {
        // Split on scalars, not Characters: "\r\n" is one Character in Swift and would never equal "\n".
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.last == "\r" ? line.dropLast() : line)
        }
        let crlf = text.utf8.contains(13)
        var bom = false
        if let first = lines.first, first.hasPrefix("\u{FEFF}") {
            lines[0] = String(first.dropFirst())
            bom = true
        }
        return (lines, bom, crlf ? "\r\n" : "\n")
    }
}
