/// Text bound for a terminal. What the program writes (the literal parts, its own line breaks) is kept;
/// every value interpolated into it (a cell, a path, a reviewer's reason, a message from a server) is
/// escaped with `String.terminalEscaped`, so no value can move the cursor, recolour or retitle the
/// terminal, forge a line of output or reorder text with bidirectional overrides.
///
/// Build it with a string literal: `"conflict in \(path)"` escapes `path`. A `TerminalText` interpolated
/// into another is kept as it is (it was escaped when it was built).
public struct TerminalText: ExpressibleByStringInterpolation, CustomStringConvertible, Sendable, Equatable {
    /// The text, safe to write to a terminal.
    public private(set) var description: String

    public init(stringLiteral value: String) { description = value }

    public init(stringInterpolation: Interpolation) { description = stringInterpolation.text }

    /// Text that is all value: escaped as a whole (an error message, a line a server sent).
    public init(value: String) { description = value.terminalEscaped }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + 16 * interpolationCount) }
        public mutating func appendLiteral(_ literal: String) { text += literal }
        public mutating func appendInterpolation(_ value: TerminalText) { text += value.description }
        public mutating func appendInterpolation<T>(_ value: T) { text += String(describing: value).terminalEscaped }
    }

    public static func + (a: TerminalText, b: TerminalText) -> TerminalText {
        var sum = a
        sum.description += b.description
        return sum
    }

    public static func += (a: inout TerminalText, b: TerminalText) { a.description += b.description }

    /// The parts joined by `separator`.
    public static func joined(_ parts: [TerminalText], separator: TerminalText = "") -> TerminalText {
        var out = TerminalText(stringLiteral: "")
        for (i, p) in parts.enumerated() {
            if i > 0 { out += separator }
            out += p
        }
        return out
    }
}

extension String {
    /// The string with every character a terminal would act on (`TerminalText.isControl`: escape, line
    /// breaks, CSI, bidirectional overrides…) written out instead: `\n`, `\r`, `\t` as such, the others as
    /// `\u{1B}`.
    /// Backslashes are left alone: the aim is that nothing is interpreted, not a reversible encoding.
    /// Escaping twice changes nothing.
    public var terminalEscaped: String {
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case let v where TerminalText.isControl(v): out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension TerminalText {
    /// Whether a terminal acts on the character: C0 controls, DEL, C1 controls (CSI, OSC…), the Unicode
    /// line and paragraph separators, the bidirectional controls (Trojan Source).
    public static func isControl(_ v: UInt32) -> Bool {
        switch v {
        case 0x00..<0x20, 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// JSON text (from an encoder, which escapes C0 controls in strings) with the other characters a
    /// terminal acts on escaped as well: DEL, C1 controls, line and paragraph separators, bidirectional
    /// controls. They can only stand inside strings, where `\uXXXX` means the same character.
    public static func json(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && isControl(scalar.value) {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
