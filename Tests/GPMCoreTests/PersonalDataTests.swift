import CoreTestSupport
import GPMCore
import XCTest

final class PersonalDataTests: XCTestCase {
    /// A TCKN with a valid checksum built from its first nine digits.
    static func tckn(_ first9: [Int]) -> String {
        var d = first9
        let d10 = ((7 * (d[0] + d[2] + d[4] + d[6] + d[8]) - (d[1] + d[3] + d[5] + d[7])) % 10 + 10) % 10
        d.append(d10)
        d.append(d.reduce(0, +) % 10)
        return d.map(String.init).joined()
    }

    func testTCKNChecksum() {
        let valid = Self.tckn([1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(PersonalData.scan("id \(valid) here").map(\.rule), ["pii-tckn"])
        // Change the last digit: the checksum fails, so it is just a number.
        var broken = Array(valid)
        broken[10] = broken[10] == "0" ? "1" : "0"
        XCTAssertEqual(PersonalData.scan(String(broken)), [])
        XCTAssertFalse(PersonalData.scan("0" + valid.dropFirst()).contains { $0.rule == "pii-tckn" }, "d1 may not be 0")
        XCTAssertEqual(PersonalData.scan(valid + "1"), [], "12 digits are not an identity number")
    }

    func testRandomElevenDigitNumbersRarelyPass() {
        var generator = SplitMix(state: 0x7C4_11)
        var hits = 0
        for _ in 0..<10_000 {
            var d = (0..<11).map { _ in Int.random(in: 0...9, using: &generator) }
            d[0] = Int.random(in: 1...8, using: &generator)
            if PersonalData.isTCKN(d) { hits += 1 }
        }
        // Two check digits: about 1 in 100 random numbers pass by chance; a check that always said no (or
        // always yes) would be outside this band.
        XCTAssertGreaterThan(hits, 50)
        XCTAssertLessThan(hits, 200)
        // And every number built with the right check digits passes.
        for _ in 0..<1_000 {
            let first9 = [Int.random(in: 1...9, using: &generator)] + (0..<8).map { _ in Int.random(in: 0...9, using: &generator) }
            XCTAssertTrue(PersonalData.isTCKN(Self.tckn(first9).map { Int(String($0))! }), Self.tckn(first9))
        }
    }

    func testForeignIdentityPhonesEmailsIBAN() {
        XCTAssertEqual(PersonalData.scan("99123456789").map(\.rule), ["pii-ykn"])
        XCTAssertEqual(PersonalData.scan("call 0532 123 45 67").map(\.rule), ["pii-phone"])
        XCTAssertEqual(PersonalData.scan("+90 (212) 555-12-34").map(\.rule), ["pii-phone"])
        XCTAssertEqual(PersonalData.scan("532-123-45-67").map(\.rule), ["pii-phone"])
        XCTAssertEqual(PersonalData.scan("ayse.yilmaz@example.com.tr").map(\.rule), ["pii-email"])
        XCTAssertEqual(PersonalData.scan("ayse.yilmaz@example.com.tr", allowEmail: true), [])
        XCTAssertEqual(PersonalData.scan("TR33 0006 1005 1978 6457 8413 26").map(\.rule), ["pii-iban"])
        XCTAssertEqual(PersonalData.scan("TR33 0006 1005 1978 6457 8413 27"), [], "bad IBAN check digits")
        XCTAssertEqual(PersonalData.scan("1234567890"), [])
        XCTAssertEqual(PersonalData.scan("12345"), [])
        XCTAssertEqual(PersonalData.scan("2025-03-01"), [])
    }
}
