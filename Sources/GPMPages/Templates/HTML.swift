import GPMCore
import GPMCharts

/// A piece of HTML that is safe to send: built only from literal markup and escaped text. Interpolating a
/// `String` escapes it; interpolating `HTML` inserts it as it is. So a value from a submission (hostile by
/// assumption) can reach a page only escaped, whatever the template forgets.
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var raw: String

    public init(stringLiteral value: String) { raw = value }
    public init(stringInterpolation: Interpolation) { raw = stringInterpolation.raw }
    /// Markup produced by a trusted renderer (the SVG charts, the Markdown renderer after sanitising).
    public init(trusted raw: String) { self.raw = raw }

    public var description: String { raw }

    public struct Interpolation: StringInterpolationProtocol {
        var raw = ""
        public init(literalCapacity: Int, interpolationCount: Int) { raw.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { raw += literal }
        public mutating func appendInterpolation(_ text: String) { raw += htmlEscaped(text) }
        public mutating func appendInterpolation(_ text: Substring) { raw += htmlEscaped(String(text)) }
        public mutating func appendInterpolation(_ number: Int) { raw += String(number) }
        public mutating func appendInterpolation(_ html: HTML) { raw += html.raw }
        public mutating func appendInterpolation(_ parts: [HTML]) { for p in parts { raw += p.raw } }
        public mutating func appendInterpolation(_ html: HTML?) { if let html { raw += html.raw } }
    }

    public static func + (a: HTML, b: HTML) -> HTML { HTML(trusted: a.raw + b.raw) }
    public static func += (a: inout HTML, b: HTML) { a.raw += b.raw }
}

extension Array where Element == HTML {
    public func joined() -> HTML { HTML(trusted: map(\.raw).joined()) }
}

/// A query string from pairs, each part percent-encoded.
public func query(_ pairs: [(String, String)]) -> String {
    let kept = pairs.filter { !$0.1.isEmpty }
    guard !kept.isEmpty else { return "" }
    return "?" + kept.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
}

public func percentEncode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            out.unicodeScalars.append(UnicodeScalar(b))
        default:
            out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
        }
    }
    return out
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
