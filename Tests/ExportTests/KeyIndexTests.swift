import XCTest
import GPMCore
@testable import GPMExport

/// The key table (the validator's and the export's) against the standard library's dictionary: the same
/// ids for the same keys, through growth and colliding words.
final class KeyIndexTests: XCTestCase {
    func testPackedWordsGetTheIdsADictionaryWouldGive() {
        var generator = SystemRandomNumberGenerator()
        var table = PackedKeyMap()
        var reference: [UInt64: Int32] = [:]
        // Words that differ only in high bits, in low bits, zero, all ones, and random ones, met repeatedly.
        var words: [UInt64] = [0, .max, 1, 1 << 63]
        words += (0..<2000).map { UInt64($0) << 40 }
        words += (0..<2000).map { UInt64($0) }
        words += (0..<4000).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) }
        for _ in 0..<3 {
            for word in words.shuffled(using: &generator) {
                let next = Int32(reference.count)
                let stored = table.insertIfAbsent(word, next)
                let (id, isNew) = (stored ?? next, stored == nil)
                if let known = reference[word] {
                    XCTAssertEqual(id, known); XCTAssertFalse(isNew)
                } else {
                    XCTAssertEqual(id, next); XCTAssertTrue(isNew)
                    reference[word] = next
                }
            }
        }
    }

    func testKeysTooWideToPackStillGetIds() {
        var index = KeyIndex(widths: [40, 40])
        XCTAssertFalse(index.packs)
        XCTAssertEqual(index.id(for: [1, 2], next: 0).0, 0)
        XCTAssertEqual(index.id(for: [2, 1], next: 1).0, 1)
        XCTAssertEqual(index.id(for: [1, 2], next: 2).0, 0)
        var packed = KeyIndex(widths: [3, 5])
        XCTAssertTrue(packed.packs)
        XCTAssertEqual(packed.id(for: [7, 31], next: 0).0, 0)
        XCTAssertEqual(packed.id(for: [7, 30], next: 1).0, 1)
        let again = packed.id(for: [7, 31], next: 2)
        XCTAssertEqual(again.0, 0)
        XCTAssertFalse(again.isNew)
    }
}
