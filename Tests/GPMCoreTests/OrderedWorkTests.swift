import XCTest
@testable import GPMCore

/// The ordered-parallel helper the validation and the export run on, and the byte writers they use.
final class OrderedWorkTests: XCTestCase {
    /// Tasks of very different sizes on several threads: every result arrives once, in task order, and never
    /// more than `window` finished results wait while a worker takes a new task.
    func testResultsArriveOnceInTaskOrderWhateverTheirSizes() {
        let tasks = 200
        var seen: [Int] = []
        var payloadsOK = true
        OrderedWork.run(tasks: tasks, workers: 4, window: 3, work: { t -> (Int, Int) in
            // Uneven work without sleeping: later tasks often finish before earlier ones.
            var x = 0
            for i in 0..<((t * 7919) % 13) * 20_000 { x &+= i ^ t }
            return (t, x)
        }, emit: { t, result in
            if result.0 != t { payloadsOK = false }
            seen.append(t)
        })
        XCTAssertEqual(seen, Array(0..<tasks))
        XCTAssertTrue(payloadsOK, "a task's result reached emit under another task's number")
    }

    func testOneTaskOrOneWorkerRunsOnTheCallingThread() {
        let caller = Thread.current
        var threads: [Bool] = []
        OrderedWork.run(tasks: 5, workers: 1, work: { _ in Thread.current == caller }, emit: { _, same in threads.append(same) })
        OrderedWork.run(tasks: 1, workers: 8, work: { _ in Thread.current == caller }, emit: { _, same in threads.append(same) })
        XCTAssertEqual(threads, Array(repeating: true, count: 6))
        var none = 0
        OrderedWork.run(tasks: 0, workers: 4, work: { $0 }, emit: { _, _ in none += 1 })
        XCTAssertEqual(none, 0)
    }

    func testIntegersAreWrittenAsStringWritesThem() {
        for v: Int64 in [0, 7, -1, 10, 99, 100, 1_234_567_890, -9_876_543_210, .max, .min, .max - 1, .min + 1] {
            var out: [UInt8] = []
            CSV.appendInteger(v, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(v))
        }
    }

    /// The findings' JSON string writer: what it writes parses back to the same text, and nothing a terminal
    /// acts on (C0, DEL, C1, bidirectional controls, line separators) is left raw.
    func testJSONStringsParseBackAndCarryNoRawControls() throws {
        var samples = ["plain", "", "İstanbul Üsküdar ğüşıöç", "quote \" and back\\slash", "tab\tline\nreturn\r",
                       "bell \u{07} del \u{7F} nel \u{85} c1 \u{9B}", "rtl \u{202E}evil\u{202C} iso \u{2066}x\u{2069} lrm \u{200E}",
                       "ls \u{2028} ps \u{2029} alm \u{061C}", "emoji 👩🏽‍⚕️ and 𝄞", "ends in é"]
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "\"", "\\", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "ş", "\u{202A}",
                                          "\u{2068}", "😀", "\u{10FFFF}", "\n"]
        for _ in 0..<300 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<24, using: &generator) { s.append(alphabet.randomElement(using: &generator)!) }
            samples.append(String(s))
        }
        for text in samples {
            var out: [UInt8] = []
            ReportWriter.appendJSONString(text, to: &out)
            let decoded = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
            XCTAssertEqual(decoded, text, "\(Array(text.unicodeScalars.map(\.value)))")
            let written = String(decoding: out, as: UTF8.self)
            XCTAssertFalse(written.unicodeScalars.contains { TerminalText.isControl($0.value) }, "a raw control in \(out)")
        }
        // U+FEFF is no control: written as it is (Foundation's parser drops it on reading, so it is checked
        // on the bytes).
        var out: [UInt8] = []
        ReportWriter.appendJSONString("a\u{FEFF}b", to: &out)
        XCTAssertEqual(out, [0x22, 0x61, 0xEF, 0xBB, 0xBF, 0x62, 0x22])
    }
}
