/// Finds personal identifiers in free text: Turkish identity numbers (with their checksum), foreign-national
/// identity numbers, Turkish phone numbers, e-mail addresses and TR IBANs. A hand-written scanner, since it
/// runs on every cell of millions of rows and most cells are short numbers it can dismiss at once.
public enum PersonalData {
    public struct Finding: Equatable, Sendable {
        public var rule: String
        public var match: String
    }

    /// Every identifier in `text`; e-mail addresses are reported unless `allowEmail`.
    public static func scan(_ text: String, allowEmail: Bool = false) -> [Finding] {
        var text = text
        let (digits, hasAt) = text.withUTF8(digitsAndAt)
        if digits < 10 && !hasAt { return [] }
        let u = Array(text.utf8)
        var findings: [Finding] = []
        if digits >= 10 {
            findings += identityNumbers(u)
            findings += ibans(u)
            findings += phones(u)
        }
        if hasAt && !allowEmail { findings += emails(u) }
        return findings
    }

    /// Whether text could hold an identifier at all.
    public static func mayHoldIdentifier(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(mayHoldIdentifier)
    }

    /// Every identifier on every line of a file, whatever its kind or encoding: UTF-8, or else Windows-1254
    /// (what Excel on Turkish Windows writes), decoded for the scan. Returns (1-based line, finding).
    public static func scanLines(_ bytes: [UInt8], allowEmail: Bool = false) -> [(line: Int, finding: Finding)] {
        let text = String(validating: bytes, as: UTF8.self) ?? windows1254(bytes)
        var out: [(Int, Finding)] = []
        for (i, line) in text.physicalLines.enumerated() {
            let line = String(line)
            guard mayHoldIdentifier(line) else { continue }
            for f in scan(line, allowEmail: allowEmail) { out.append((i + 1, f)) }
        }
        return out
    }

    /// Windows-1254 (Turkish) decoded: Latin-1 with the Turkish letters at 0xD0, 0xDD, 0xDE, 0xF0, 0xFD, 0xFE and
    /// the Windows punctuation at 0x80–0x9F.
    public static func windows1254(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            let u: UInt32
            switch b {
            case 0x80...0x9F: u = cp1254High[Int(b - 0x80)]
            case 0xD0: u = 0x011E
            case 0xDD: u = 0x0130
            case 0xDE: u = 0x015E
            case 0xF0: u = 0x011F
            case 0xFD: u = 0x0131
            case 0xFE: u = 0x015F
            default: u = UInt32(b)
            }
            scalars.append(Unicode.Scalar(u) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    private static let cp1254High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0xFFFD, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0xFFFD, 0x0178,
    ]

    /// Whether text could hold an identifier at all (ten digits, or an `@`): most cells are short numbers or
    /// codes that the validator can dismiss without making a `String` of them.
    public static func mayHoldIdentifier(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        let (digits, hasAt) = digitsAndAt(u)
        return digits >= 10 || hasAt
    }

    static func digitsAndAt(_ u: UnsafeBufferPointer<UInt8>) -> (Int, Bool) {
        // Eight bytes at a time in one 64-bit word (this runs on every row of every table): per byte, the
        // high bit of `low + 0x50` says "at least 0x30", of `low + 0x46` "above 0x39", of `low + 0x40` "at
        // least 0x40" and of `low + 0x3F` "above 0x40", where `low` is the byte without its high bit (a byte
        // with it, part of a UTF-8 character, is neither). No sum carries into the next byte.
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        var digits = 0, at: UInt64 = 0
        func look(_ w: UInt64) {
            let low = w & ~high, plain = ~w & high
            let digit = (low &+ 0x50 &* ones) & ~(low &+ 0x46 &* ones) & plain
            at |= (low &+ 0x40 &* ones) & ~(low &+ 0x3F &* ones) & plain
            // The count of digit bytes (at most 8) by a multiplication: `nonzeroBitCount` is no single
            // instruction on the baseline x86-64 the package is built for.
            digits &+= Int(truncatingIfNeeded: ((digit >> 7) &* ones) >> 56)
        }
        guard let base = u.baseAddress else { return (0, false) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i &+ 8 <= u.count { look(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))); i &+= 8 }
        let rest = u.count &- i
        if rest > 0 && u.count >= 8 {
            // The last eight bytes, those already looked at shifted out (zero bytes are neither a digit nor an `@`).
            let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: u.count &- 8, as: UInt64.self))
            look(last >> (8 &* UInt64(8 &- rest)))
        } else if rest > 0 {
            var w: UInt64 = 0
            for k in 0..<rest { w |= UInt64(base[i &+ k]) << (8 &* UInt64(k)) }
            look(w)
        }
        return (digits, at != 0)
    }

    /// The checksum of the SPEC: d1≠0; d10 = (7·(d1+d3+d5+d7+d9) − (d2+d4+d6+d8)) mod 10; d11 = (d1+…+d10) mod 10.
    public static func isTCKN(_ d: [Int]) -> Bool {
        guard d.count == 11, d[0] != 0 else { return false }
        let odd = d[0] + d[2] + d[4] + d[6] + d[8]
        let even = d[1] + d[3] + d[5] + d[7]
        let d10 = ((7 * odd - even) % 10 + 10) % 10
        guard d[9] == d10 else { return false }
        return d[0..<10].reduce(0, +) % 10 == d[10]
    }

    /// Runs of exactly 11 digits not touching other digits.
    private static func identityNumbers(_ u: [UInt8]) -> [Finding] {
        var out: [Finding] = []
        var i = 0
        while i < u.count {
            guard u[i].isDigit else { i += 1; continue }
            var j = i
            while j < u.count, u[j].isDigit { j += 1 }
            if j - i == 11 {
                let d = u[i..<j].map { Int($0 - 0x30) }
                let s = String(decoding: u[i..<j], as: UTF8.self)
                if d[0] == 9 && d[1] == 9 { out.append(Finding(rule: "pii-ykn", match: s)) }
                else if isTCKN(d) { out.append(Finding(rule: "pii-tckn", match: s)) }
            }
            i = j
        }
        return out
    }

    /// `TR` + 24 digits, spaces allowed between groups, with a valid ISO 13616 mod-97 check.
    private static func ibans(_ u: [UInt8]) -> [Finding] {
        var out: [Finding] = []
        var i = 0
        while i + 1 < u.count {
            if (u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t")) && (u[i + 1] == UInt8(ascii: "R") || u[i + 1] == UInt8(ascii: "r")),
               i == 0 || !(u[i - 1].isLowerASCII || (u[i - 1] >= 0x41 && u[i - 1] <= 0x5A)) {
                var digits: [Int] = []
                var j = i + 2
                while j < u.count, digits.count < 24, u[j].isDigit || u[j] == UInt8(ascii: " ") {
                    if u[j].isDigit { digits.append(Int(u[j] - 0x30)) }
                    j += 1
                }
                if digits.count == 24, !(j < u.count && u[j].isDigit) {
                    // Move "TR" + check digits to the end, letters as numbers (T=29, R=27), then mod 97.
                    let rearranged = Array(digits[2...]) + [2, 9, 2, 7] + Array(digits[0..<2])
                    if rearranged.reduce(0, { ($0 * 10 + $1) % 97 }) == 1 {
                        out.append(Finding(rule: "pii-iban", match: String(decoding: u[i..<j], as: UTF8.self)))
                    }
                    i = j
                    continue
                }
            }
            i += 1
        }
        return out
    }

    /// A Turkish number: `+90`/`0090`/`0` then an area or mobile code starting 2–5 and seven digits, with
    /// spaces, dashes, dots or parentheses between groups; or a bare mobile `5xx xxx xx xx` written in groups.
    private static func phones(_ u: [UInt8]) -> [Finding] {
        var out: [Finding] = []
        var i = 0
        let separators: Set<UInt8> = [0x20, 0x2D, 0x2E, 0x28, 0x29]
        while i < u.count {
            let start = i
            guard u[i].isDigit || u[i] == UInt8(ascii: "+") else { i += 1; continue }
            if i > 0, u[i - 1].isDigit { i += 1; continue }
            var digits: [UInt8] = []
            var sawSeparator = false
            var j = i
            if u[j] == UInt8(ascii: "+") { j += 1 }
            while j < u.count, digits.count < 14 {
                if u[j].isDigit { digits.append(u[j] - 0x30) }
                else if separators.contains(u[j]), j + 1 < u.count, u[j + 1].isDigit || separators.contains(u[j + 1]) { sawSeparator = true }
                else { break }
                j += 1
            }
            var national: ArraySlice<UInt8>?
            if u[start] == UInt8(ascii: "+"), digits.starts(with: [9, 0]) { national = digits.dropFirst(2) }
            else if digits.starts(with: [0, 0, 9, 0]) { national = digits.dropFirst(4) }
            else if digits.first == 0 { national = digits.dropFirst(1) }
            else if digits.first == 5, sawSeparator { national = digits[...] }
            if let n = national, n.count == 10, let f = n.first, (2...5).contains(f) {
                out.append(Finding(rule: "pii-phone", match: String(decoding: u[start..<j], as: UTF8.self)))
            }
            i = max(j, i + 1)
        }
        return out
    }

    private static func emails(_ u: [UInt8]) -> [Finding] {
        func local(_ b: UInt8) -> Bool {
            b.isDigit || b.isLowerASCII || (b >= 0x41 && b <= 0x5A) || [0x2E, 0x5F, 0x25, 0x2B, 0x2D].contains(b)
        }
        func domain(_ b: UInt8) -> Bool {
            b.isDigit || b.isLowerASCII || (b >= 0x41 && b <= 0x5A) || b == 0x2E || b == 0x2D
        }
        var out: [Finding] = []
        for (k, b) in u.enumerated() where b == UInt8(ascii: "@") {
            var s = k
            while s > 0, local(u[s - 1]) { s -= 1 }
            var e = k + 1
            while e < u.count, domain(u[e]) { e += 1 }
            while e > k + 1, u[e - 1] == 0x2E { e -= 1 }
            let dom = u[(k + 1)..<e]
            guard s < k, let dot = dom.lastIndex(of: 0x2E), dot > k + 1, e - dot - 1 >= 2 else { continue }
            out.append(Finding(rule: "pii-email", match: String(decoding: u[s..<e], as: UTF8.self)))
        }
        return out
    }

    static func message(for rule: String) -> Message {
        switch rule {
        case "pii-tckn": return Messages.pii("a Turkish identity number (T.C. Kimlik No)", "T.C. kimlik numarası")
        case "pii-ykn": return Messages.pii("a foreign-national identity number (YKN)", "yabancı kimlik numarası (YKN)")
        case "pii-phone": return Messages.pii("a phone number", "telefon numarası")
        case "pii-email": return Messages.pii("an e-mail address", "e-posta adresi")
        default: return Messages.pii("an IBAN", "IBAN")
        }
    }
}
