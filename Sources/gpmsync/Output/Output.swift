import Foundation
import GPMCore
import GPMSync

// Everything gpmsync writes for a person goes through these functions as `TerminalText`: the literal parts
// are the program's, every interpolated value is escaped (see `TerminalText`). There is no way to print a
// plain `String` here, so no value reaches the terminal raw by accident.

/// A line on standard output.
func emit(_ text: TerminalText, terminator: String = "\n") {
    print(text.description, terminator: terminator)
}

/// A line in the user's language.
func say(_ language: Language, _ en: TerminalText, _ tr: TerminalText) { emit(language == .tr ? tr : en) }

/// A line on standard error.
func emitError(_ text: TerminalText) {
    FileHandle.standardError.write(Data((text.description + "\n").utf8))
}

/// A line on standard error in the user's language.
func sayError(_ language: Language, _ en: TerminalText, _ tr: TerminalText) { emitError(language == .tr ? tr : en) }

func printDiagnostics(_ diagnostics: [Diagnostic], _ language: Language) {
    for d in Diagnostic.grouped(diagnostics) { emit("  \(d.formatted(language))") }
}

/// One JSON document on standard output, every character a terminal acts on escaped in its strings.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let json = String(decoding: try encoder.encode(value), as: UTF8.self)
    FileHandle.standardOutput.write(Data((TerminalText.json(json) + "\n").utf8))
}

/// A page from `SemanticDiff.html`, which escaped every value for HTML (and control characters as text).
func emitHTML(_ page: String) { print(page, terminator: "") }

/// Lines the library composed for a person (the demo's story, the benchmarks' tables): each line escaped
/// on its own, the line breaks kept. Only for text whose values were escaped where they were composed,
/// or that holds none.
func emitLines(_ text: String) {
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) { emit("\(String(line))") }
}
