import Foundation

extension Diagnostic {
    /// Findings as people read them: per file and rule, the first `shown` in their order, then one line in
    /// their place saying how many more there are ("312 more like this"). A reviewer who sees 170,000 lines
    /// reads none; one who sees three per file and rule, with counts, reads them all. Order is kept.
    public static func grouped(_ diagnostics: [Diagnostic], shown: Int = 3) -> [Diagnostic] {
        struct Group: Hashable { var path: String; var rule: String }
        var total: [Group: Int] = [:]
        for d in diagnostics { total[Group(path: d.path, rule: d.rule), default: 0] += 1 }
        guard total.values.contains(where: { $0 > shown }) else { return diagnostics }
        var seen: [Group: Int] = [:]
        var out: [Diagnostic] = []
        for d in diagnostics {
            let g = Group(path: d.path, rule: d.rule)
            let n = seen[g, default: 0] + 1
            seen[g] = n
            if n <= shown { out.append(d) }
            if n == shown, let all = total[g], all > shown {
                out.append(Diagnostic(path: d.path, rule: d.rule, severity: d.severity, message: Messages.moreLikeThis(all - shown)))
            }
        }
        return out
    }
}

/// A validation report written as it is produced, so a run with a million findings holds only the file at
/// hand: JSON (one document of the SPEC's shape, its counts after the diagnostics, where a streamed document
/// can know them) or text (grouped per file and rule unless `all`). Bytes go to `write` in chunks.
public final class ReportWriter {
    public enum Format: Sendable { case json, text(Language, all: Bool) }

    public private(set) var errors = 0
    public private(set) var warnings = 0
    private let format: Format
    private let write: ([UInt8]) -> Void
    private var buffer: [UInt8] = []
    private var first = true

    public init(format: Format, write: @escaping ([UInt8]) -> Void) {
        self.format = format
        self.write = write
        buffer.reserveCapacity(1 << 16)
        if case .json = format { buffer.append(contentsOf: "{\"diagnostics\": [".utf8) }
    }

    /// One file's findings (or any batch: text grouping is per file and rule within a batch).
    public func add(_ diagnostics: [Diagnostic]) {
        for d in diagnostics { if d.isError { errors += 1 } else { warnings += 1 } }
        switch format {
        case .json:
            for d in diagnostics {
                buffer.append(contentsOf: (first ? "\n" : ",\n").utf8)
                first = false
                appendJSON(d)
                if buffer.count >= 1 << 16 { flush() }
            }
        case .text(let language, let all):
            for d in all ? diagnostics : Diagnostic.grouped(diagnostics) {
                buffer.append(contentsOf: (d.formatted(language).description + "\n").utf8)
                if buffer.count >= 1 << 16 { flush() }
            }
        }
    }

    /// Closes the document (JSON) or prints the counts (text), and hands over what is left.
    public func finish() {
        switch format {
        case .json:
            buffer.append(contentsOf: "\n],\n\"errors\": \(errors), \"warnings\": \(warnings), \"ok\": \(errors == 0)}\n".utf8)
        case .text(let language, _):
            buffer.append(contentsOf: (language == .tr ? "\(errors) hata, \(warnings) uyarı\n" : "\(errors) error(s), \(warnings) warning(s)\n").utf8)
        }
        flush()
    }

    private func flush() {
        if !buffer.isEmpty { write(buffer) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The last path written and its JSON form: a file's findings all name it.
    private var lastPath: String?
    private var lastPathJSON: [UInt8] = []

    /// The keys and order of `Diagnostic.encode(to:)`: absent line and field are `null`.
    private func appendJSON(_ d: Diagnostic) {
        buffer.append(contentsOf: "{\"path\": ".utf8)
        // Compared byte for byte: `==` on strings holds for canonically equivalent ones (`ü` and `u` with a
        // combining diaeresis), which are two different files.
        if !(lastPath.map { Self.sameBytes(d.path, $0) } ?? false) {
            lastPathJSON.removeAll(keepingCapacity: true)
            Self.appendJSONString(d.path, to: &lastPathJSON)
            lastPath = d.path
        }
        buffer.append(contentsOf: lastPathJSON)
        buffer.append(contentsOf: ", \"line\": ".utf8)
        if let line = d.line { CSV.appendInteger(Int64(line), to: &buffer) } else { buffer.append(contentsOf: "null".utf8) }
        buffer.append(contentsOf: ", \"field\": ".utf8)
        if let f = d.field { appendString(f) } else { buffer.append(contentsOf: "null".utf8) }
        buffer.append(contentsOf: ", \"rule\": ".utf8); appendString(d.rule)
        buffer.append(contentsOf: ", \"severity\": ".utf8); appendString(d.severity.rawValue)
        buffer.append(contentsOf: ", \"message\": {\"en\": ".utf8); appendString(d.message.en)
        buffer.append(contentsOf: ", \"tr\": ".utf8); appendString(d.message.tr)
        buffer.append(contentsOf: "}}".utf8)
    }

    static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        guard a.utf8.count == b.utf8.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUTF8 { x in b.withUTF8 { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }

    /// A JSON string: quotes, backslashes, control characters and whatever else a terminal acts on
    /// (`TerminalText.isControl`: DEL, C1, bidirectional controls) escaped, everything else as UTF-8.
    private func appendString(_ s: String) { Self.appendJSONString(s, to: &buffer) }

    /// The same into any buffer: runs of characters that need nothing are copied at once (one access to
    /// the buffer per string, not per byte: a tree with many findings writes tens of megabytes).
    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { u in
            var i = 0, run = 0
            func flush() { if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i])) } }
            while i < u.count {
                let b = u[i]
                if b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C { i += 1; continue }
                if b < 0x80 {
                    flush()
                    switch b {
                    case 0x22: out += [0x5C, 0x22]
                    case 0x5C: out += [0x5C, 0x5C]
                    case 0x0A: out += [0x5C, 0x6E]
                    case 0x0D: out += [0x5C, 0x72]
                    case 0x09: out += [0x5C, 0x74]
                    default: appendEscaped(UInt32(b), to: &out)
                    }
                    i += 1
                    run = i
                    continue
                }
                // A multi-byte character (the string is valid UTF-8): decoded only to ask whether a
                // terminal would act on it, copied with its run otherwise. Two bytes led by 0xC3–0xD7 or
                // 0xD9–0xDF (U+00C0–U+05FF, U+0640–U+07FF: the Turkish letters among them) never are.
                if b >= 0xC3 && b <= 0xDF && b != 0xD8 { i += 2; continue }
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                var value = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for k in 1..<length where i + k < u.count { value = value << 6 | UInt32(u[i + k] & 0x3F) }
                if TerminalText.isControl(value) {
                    flush()
                    appendEscaped(value, to: &out)
                    i += length
                    run = i
                } else {
                    i += length
                }
            }
            i = min(i, u.count)
            flush()
        }
        out.append(0x22)
    }

    /// `\uXXXX` for a character below U+10000 (every character `TerminalText.isControl` names).
    private static func appendEscaped(_ v: UInt32, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out += [0x5C, 0x75] + [12, 8, 4, 0].map { hex[Int((v >> $0) & 0xF)] }
    }
}
