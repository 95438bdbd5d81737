import CLibGit2

/// A git object id (SHA-1 in libgit2 1.5).
public struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
    var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }

    init(_ pointer: UnsafePointer<git_oid>) { self.raw = pointer.pointee }

    /// Parses a 40-character hex id; nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.raw = oid
    }

    public static let zero = ObjectID(gpm_oid_zero())

    public var isZero: Bool { withUnsafePointer(to: raw) { git_oid_is_zero($0) == 1 } }

    public var hex: String {
        var buffer = [CChar](repeating: 0, count: 41)
        withUnsafePointer(to: raw) { _ = git_oid_tostr(&buffer, 41, $0) }
        return String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var short: String { String(hex.prefix(10)) }
    public var description: String { hex }

    public static func == (a: ObjectID, b: ObjectID) -> Bool {
        withUnsafePointer(to: a.raw) { pa in withUnsafePointer(to: b.raw) { git_oid_equal(pa, pb($0)) == 1 } }
    }

    public static func < (a: ObjectID, b: ObjectID) -> Bool { a.hex < b.hex }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw) { hasher.combine(bytes: $0) }
    }
}

@inline(__always) private func pb(_ p: UnsafePointer<git_oid>) -> UnsafePointer<git_oid> { p }
