import Foundation
import GPMCore
import XCTest

/// Every message exists in both languages, and the Turkish speaks the glossary: checked over the glossary
/// itself and over every bilingual string literal of the sources (`Message(en:tr:)`, `GPMError(…en:tr:)`,
/// a refusal's `en:`/`tr:`, `say(lang, "…", "…")` of the command line, `w("…", "…")` of the pages).
final class GlossaryTests: XCTestCase {
    func testEveryGlossaryEntryHasBothLanguages() {
        for (name, words) in Glossary.all {
            XCTAssertFalse(words.en.isEmpty, name)
            XCTAssertFalse(words.tr.isEmpty, name)
            XCTAssertNotEqual(words.en, words.tr, name)
        }
        for state in ["received", "invalid", "has_issues", "approved", "rejected"] {
            XCTAssertNotEqual(Glossary.state(state, .tr), state)
        }
        XCTAssertEqual(Glossary.commit.tr, "kayıt")
        XCTAssertEqual(Glossary.ancestor.tr, "önceki değer")
        XCTAssertEqual(Glossary.main.tr, "ana veri")
    }

    func testNoMessageExistsInOneLanguageOnly() throws {
        var problems: [String] = []
        for file in try SourceLiterals.files() {
            for pair in SourceLiterals.pairs(in: file) {
                let where_ = "\(file.path):\(pair.en.line)"
                if pair.tr.text.trimmingCharacters(in: .whitespaces).isEmpty != pair.en.text.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append("\(where_): one side is empty: \"\(pair.en.text)\" / \"\(pair.tr.text)\"")
                } else if SourceLiterals.words(pair.en.text).count > 0, pair.en.text == pair.tr.text {
                    problems.append("\(where_): the Turkish is the English: \"\(pair.en.text)\"")
                }
            }
            // The command line writes prose only through `say`/`sayError` (both languages): a bare
            // `emit("…")` with words in it is English-only.
            if file.path.hasPrefix("Sources/gpmsync/") {
                for literal in file.literals where literal.callee == "emit" || literal.callee == "emitError" {
                    let words = SourceLiterals.words(literal.text).filter { $0 != "gpmsync" }
                    if !words.isEmpty { problems.append("\(file.path):\(literal.line): printed in one language only: \"\(literal.text)\"") }
                }
            }
        }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
    }

    func testTheTurkishUsesTheGlossarysWords() throws {
        var problems: [String] = []
        for file in try SourceLiterals.files() {
            for literal in SourceLiterals.turkish(in: file) {
                let words = SourceLiterals.words(literal.text)
                for word in words where Glossary.englishDenyList.contains(word) {
                    problems.append("\(file.path):\(literal.line): English '\(word)' in Turkish: \"\(literal.text)\"")
                }
                let text = " " + literal.text.lowercased()
                for avoided in Glossary.avoided where text.contains(" " + avoided.word) || text.contains("(" + avoided.word) {
                    problems.append("\(file.path):\(literal.line): '\(avoided.word)' where the glossary says '\(avoided.use)': \"\(literal.text)\"")
                }
            }
        }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
    }

    /// The scanner itself, on a known snippet.
    func testTheScannerFindsPairsAndTheirLanguages() {
        let file = SourceLiterals.File(path: "x.swift", text: #"""
            say(lang, "recorded \(c.short): \(s)", "kaydedildi \(c.short)")
            throw GPMError(.usage, en: "cannot \("x") go", tr: "gidilemez")
            w("Queue", "Kuyruk") // "comment"
            emit("central: \(line)")
            """#)
        let pairs = SourceLiterals.pairs(in: file)
        XCTAssertEqual(pairs.map(\.en.text), ["recorded {}: {}", "cannot {} go", "Queue"])
        XCTAssertEqual(pairs.map(\.tr.text), ["kaydedildi {}", "gidilemez", "Kuyruk"])
        XCTAssertEqual(file.literals.filter { $0.callee == "emit" }.map(\.text), ["central: {}"])
        XCTAssertEqual(SourceLiterals.words("type-error in 'main' at refs/heads/main: hata {} commit"), ["in", "at", "hata", "commit"])
    }
}

/// The string literals of the package's sources, with what precedes each (to tell `en:` from `tr:`, and
/// the function a literal is passed to). Interpolations become `{}`; literals inside them are literals too.
enum SourceLiterals {
    struct Literal {
        var text: String
        var line: Int
        /// The code between the previous literal (or interpolation start) and this one.
        var before: String
        /// The function this literal is the first argument of, when it is (`say`, `emit`, `w`, …).
        var callee: String?
    }

    struct File {
        var path: String
        var literals: [Literal]
        init(path: String, text: String) {
            self.path = path
            var scanner = Scanner(Array(text.unicodeScalars))
            literals = scanner.scan()
        }
    }

    static func files() throws -> [File] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        var files: [File] = []
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            // The generated template and the benchmark tables are data, not messages.
            if url.path.hasSuffix("EmbeddedTemplate.swift") || url.path.contains("/GPMBench/") || url.path.contains("/gpmsync-bench/") { continue }
            files.append(File(path: String(url.path.dropFirst(root.path.count + 1)), text: try String(contentsOf: url, encoding: .utf8)))
        }
        XCTAssertGreaterThan(files.count, 50)
        return files
    }

    /// English and Turkish literals given together: `en: "…", tr: "…"`, or the two literal arguments of
    /// `say(lang, "…", "…")`, `sayError(lang, "…", "…")`, `w("…", "…")`.
    static func pairs(in file: File) -> [(en: Literal, tr: Literal)] {
        pairIndices(file.literals).map { (file.literals[$0.0], file.literals[$0.1]) }
    }

    static func pairIndices(_ l: [Literal]) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        for i in l.indices.dropLast() {
            let a = l[i], b = l[i + 1]
            let between = b.before.filter { !$0.isWhitespace }
            if a.before.range(of: #"\ben:\s*$"#, options: .regularExpression) != nil, between == ",tr:" {
                out.append((i, i + 1))
            } else if ["say", "sayError", "w"].contains(a.callee ?? ""), between == "," {
                out.append((i, i + 1))
            }
        }
        return out
    }

    /// Literals that are Turkish: after `tr:`, or the second of a pair.
    static func turkish(in file: File) -> [Literal] {
        let seconds = Set(pairIndices(file.literals).map(\.1))
        return file.literals.indices.filter { i in
            seconds.contains(i) || file.literals[i].before.range(of: #"\btr:\s*$"#, options: .regularExpression) != nil
        }.map { file.literals[$0] }
    }

    /// The words of a message as prose, lower-cased: values (`{}`), quoted names ('…'), paths, flags and
    /// identifiers (anything with `/ _ - . = --`) left out.
    static func words(_ text: String) -> [String] {
        var prose = ""
        var quoted = false
        for ch in text {
            if ch == "'" && !quoted { quoted = true; prose.append(" "); continue }
            if ch == "'" && quoted { quoted = false; prose.append(" "); continue }
            prose.append(quoted ? " " : ch)
        }
        return prose.replacingOccurrences(of: "{}", with: " ").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { token -> String? in
            if token.contains(where: { "/_-.=<>\\#@".contains($0) }) { return nil }
            let word = token.trimmingCharacters(in: .punctuationCharacters.union(.symbols)).lowercased()
            return word.count >= 2 && word.allSatisfy(\.isLetter) ? word : nil
        }
    }

    /// A small Swift lexer: comments skipped, `"…"` and `"""…"""` literals read with their escapes and
    /// interpolations (nested literals included); raw strings (`#"…"#`) are read as plain text.
    struct Scanner {
        let s: [Unicode.Scalar]
        var i = 0
        var line = 1
        var out: [Literal] = []
        init(_ s: [Unicode.Scalar]) { self.s = s }

        func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }
        func starts(_ p: String) -> Bool {
            var k = i
            for c in p.unicodeScalars { guard at(k) == c else { return false }; k += 1 }
            return true
        }
        mutating func advance() { if s[i] == "\n" { line += 1 }; i += 1 }

        mutating func scan() -> [Literal] {
            _ = code(until: nil)
            return out
        }

        /// Code until `close` (an unmatched `)` ends an interpolation); literals found are appended.
        mutating func code(until close: Unicode.Scalar?) -> Void {
            var depth = 0
            var before = ""
            while i < s.count {
                if starts("//") { while i < s.count && s[i] != "\n" { advance() }; continue }
                if starts("/*") { while i < s.count && !starts("*/") { advance() }; i += 2; continue }
                let c = s[i]
                if c == "#" && at(i + 1) == "\"" { rawString(); before = ""; continue }
                if c == "\"" {
                    let startLine = line
                    let callee = Self.callee(before)
                    let text = literal()
                    out.append(Literal(text: text, line: startLine, before: before, callee: callee))
                    before = ""
                    continue
                }
                if c == "(" { depth += 1 }
                if c == ")" {
                    if depth == 0, close == ")" { advance(); return }
                    depth -= 1
                }
                before.unicodeScalars.append(c)
                advance()
            }
        }

        /// `say(lang, ` → say; `emit(` → emit; `w(` → w.
        static func callee(_ before: String) -> String? {
            guard let m = before.range(of: #"([A-Za-z_][A-Za-z0-9_]*)\((\s*[a-z.]+\s*,)?\s*$"#, options: .regularExpression) else { return nil }
            return String(before[m].prefix { $0 != "(" })
        }

        mutating func rawString() {
            while i < s.count && s[i] == "#" { advance() }
            advance()
            while i < s.count && !(s[i] == "\"" && at(i + 1) == "#") { advance() }
            while i < s.count && (s[i] == "\"" || s[i] == "#") { advance() }
        }

        /// A literal from its opening quote; returns its text with `{}` for each interpolation.
        mutating func literal() -> String {
            let multi = starts("\"\"\"")
            i += multi ? 3 : 1
            var text = ""
            while i < s.count {
                if multi ? starts("\"\"\"") : s[i] == "\"" { i += multi ? 3 : 1; break }
                if !multi && s[i] == "\n" { break }
                if s[i] == "\\" {
                    advance()
                    guard i < s.count else { break }
                    if s[i] == "(" {
                        advance()
                        code(until: ")")
                        text += "{}"
                        continue
                    }
                    text.unicodeScalars.append(s[i] == "n" ? "\n" : s[i])
                    advance()
                    continue
                }
                text.unicodeScalars.append(s[i])
                advance()
            }
            return text
        }
    }
}
