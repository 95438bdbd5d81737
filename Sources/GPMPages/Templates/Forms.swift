/// A posted form body (`application/x-www-form-urlencoded`): `+` is a space, `%XX` a byte; malformed escapes
/// are kept as they are, and a name given twice keeps its first value. Shared by the console and the staff's
/// page, as are their tokens.
public enum Form {
    public static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0]), value = parts.count > 1 ? decode(parts[1]) : ""
            if out[name] == nil { out[name] = value }
        }
        return out
    }

    static func decode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var u = Array(s.utf8)[...]
        while let b = u.popFirst() {
            if b == UInt8(ascii: "+") { bytes.append(0x20) }
            else if b == UInt8(ascii: "%"), u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v); u = u.dropFirst(2)
            } else { bytes.append(b) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The secret a form carries to prove it came from a page this server drew (CSRF).
public enum FormToken {
    /// 32 random bytes from the system's generator, as hex.
    public static func new() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &g), radix: 16).leftPadded(2) }.joined()
    }

    /// Whether `given` is `expected`, in a time that does not depend on where they differ.
    public static func matches(_ expected: String, _ given: String) -> Bool {
        let x = Array(expected.utf8), y = Array(given.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
