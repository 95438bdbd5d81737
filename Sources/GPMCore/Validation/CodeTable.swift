import Foundation

/// A code list as a hash table from bytes to small integer ids, so the validator can look up a cell that
/// is still a slice of the file buffer. Hand-written: `Set<String>` (and swift-collections) need a `String`
/// or another hashable value per lookup, which is the allocation this avoids on millions of cells.
public struct CodeTable: Sendable {
    /// Raw buffers, so a lookup has no bounds checks and a copy of the table is one reference.
    private final class Storage: @unchecked Sendable { // @unchecked: written only in init.
        let codes: [String]
        let bytes: UnsafeMutablePointer<UInt8>
        /// Code `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
        let offsets: UnsafeMutablePointer<Int32>
        /// Open addressing, linear probing; -1 is an empty slot.
        let slots: UnsafeMutablePointer<Int32>
        let mask: Int

        init(_ codes: [String]) {
            self.codes = codes
            let all = codes.flatMap(\.utf8)
            bytes = .allocate(capacity: max(1, all.count))
            bytes.initialize(from: all, count: all.count)
            offsets = .allocate(capacity: codes.count + 1)
            offsets[0] = 0
            for (i, c) in codes.enumerated() { offsets[i + 1] = offsets[i] + Int32(c.utf8.count) }
            var capacity = 8
            while capacity < codes.count * 2 { capacity *= 2 }
            mask = capacity - 1
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: -1, count: capacity)
            for id in codes.indices {
                let key = UnsafeBufferPointer(start: bytes + Int(offsets[id]), count: Int(offsets[id + 1] - offsets[id]))
                var h = CodeTable.hash(key) & mask
                while slots[h] >= 0 { h = (h + 1) & mask }
                slots[h] = Int32(id)
            }
        }

        deinit { bytes.deallocate(); offsets.deallocate(); slots.deallocate() }
    }

    private let storage: Storage

    public init<S: Sequence>(_ codes: S) where S.Element == String {
        storage = Storage(Array(Set(codes)).sorted())
    }

    /// Codes in id order.
    public var codes: [String] { storage.codes }
    public var count: Int { storage.codes.count }

    /// The id of the code spelled by `key`, nil when the list does not have it.
    public func id(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let s = storage
        var h = Self.hash(key) & s.mask
        while true {
            let id = Int(s.slots[h])
            if id < 0 { return nil }
            let start = Int(s.offsets[id])
            if Int(s.offsets[id + 1]) - start == key.count {
                // Codes are a few bytes: a loop beats a call to memcmp.
                var k = 0
                while k < key.count, s.bytes[start + k] == key[k] { k += 1 }
                if k == key.count { return id }
            }
            h = (h + 1) & s.mask
        }
    }

    public func id(_ code: String) -> Int? {
        var code = code
        return code.withUTF8 { id($0) }
    }

    /// Eight bytes at a time into a word, then a multiplicative mix: codes are short.
    fileprivate static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h = UInt64(key.count), w: UInt64 = 0, n = 0
        for b in key {
            w = w << 8 | UInt64(b)
            n += 1
            if n == 8 { h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15; w = 0; n = 0 }
        }
        h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 32)
    }
}

/// A map from 64-bit keys to 32-bit values (row numbers, group ids) by linear probing in a power-of-two
/// table kept at most half full: the validator's primary keys and the export's grouping keys. Hand-written
/// for the same reason as `CodeTable`: `Dictionary<UInt64, Int32>` hashes with SipHash, several times the
/// cost of this multiplicative (Fibonacci) hash, whose high bits mix every bit of the key, on the inner loops.
public struct PackedKeyMap: Sendable {
    /// Key and value side by side, so a probe reads one cache line; `Int32.min` marks a free slot (no
    /// value is: row indexes, minus line numbers and group ids all lie above it).
    private struct Slot { var key: UInt64; var value: Int32 }
    private static let free = Int32.min
    private var slots: [Slot]
    private var mask: Int
    public private(set) var count = 0

    /// Room for `capacity` keys without growing.
    public init(capacity: Int = 0) {
        var c = 16
        while c < capacity * 2 { c *= 2 }
        slots = [Slot](repeating: Slot(key: 0, value: Self.free), count: c)
        mask = c - 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    public func value(_ key: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            var h = slot(key)
            while slots[h].value != Self.free {
                if slots[h].key == key { return slots[h].value }
                h = (h &+ 1) & mask
            }
            return nil
        }
    }

    /// The value already stored for `key`, or stores `value` and returns nil. `value` is never `Int32.min`.
    public mutating func insertIfAbsent(_ key: UInt64, _ value: Int32) -> Int32? {
        precondition(value != Self.free)
        if count * 2 >= slots.count { grow() }
        var h = slot(key)
        let found: Int32? = slots.withUnsafeMutableBufferPointer { slots in
            while slots[h].value != Self.free {
                if slots[h].key == key { return slots[h].value }
                h = (h &+ 1) & mask
            }
            slots[h] = Slot(key: key, value: value)
            return nil
        }
        if found == nil { count += 1 }
        return found
    }

    private mutating func grow() {
        var bigger = PackedKeyMap(capacity: slots.count)
        for s in slots where s.value != Self.free { _ = bigger.insertIfAbsent(s.key, s.value) }
        self = bigger
    }
}
