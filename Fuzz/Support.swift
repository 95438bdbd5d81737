// Shared by every fuzz target (see scripts/fuzz.sh): the template repository as the schema and code lists
// the targets validate against, an in-memory file source, and the way a target reads its input.
import Foundation
@testable import GPMCore

/// The files of `Repos/template` (`GPMSYNC_TEMPLATE`, else relative to the current folder), read once.
let templateFiles: [String: [UInt8]] = {
    let root = ProcessInfo.processInfo.environment["GPMSYNC_TEMPLATE"] ?? FileManager.default.currentDirectoryPath + "/Repos/template"
    var files: [String: [UInt8]] = [:]
    let source = DirectorySource(root: root)
    for entry in source.files() { files[entry.path] = source.bytes(at: entry.path) }
    precondition(files["datapackage.json"] != nil, "no template at \(root)")
    return files
}()

let templatePackage = try! DataPackage(json: templateFiles["datapackage.json"]!)

/// The template's code lists, read once (reading them is most of the cost of a validation of one file).
let templateCodeLists = CodeLists(package: templatePackage, source: MemorySource(contents: templateFiles))

/// Files held in memory.
struct MemorySource: FileSource {
    var contents: [String: [UInt8]]
    func files() -> [FileEntry] {
        contents.keys.sorted().map { FileEntry(path: $0, size: contents[$0]!.count, isSymlink: false) }
    }
    func bytes(at path: String) -> [UInt8]? { contents[path] }
}

/// A fixed day, so the same input always takes the same path.
let fuzzToday = Date(timeIntervalSince1970: 1_795_000_000)

/// Validates `files` over the template and renders every diagnostic for the terminal and as JSON.
@discardableResult
func validate(_ files: [String: [UInt8]], package: DataPackage? = nil) -> [Diagnostic] {
    let source = MemorySource(contents: templateFiles.merging(files) { _, new in new })
    let diagnostics = Validator(source: source, today: fuzzToday, package: package ?? templatePackage, codeLists: templateCodeLists)
        .validate(paths: files.keys.sorted())
    for d in diagnostics { _ = d.formatted(.en); _ = d.formatted(.tr) }
    _ = try? JSONEncoder().encode(ValidationReport(diagnostics))
    // The streamed report (`validate --format json`) is always one JSON document with every finding.
    final class Collected { var bytes: [UInt8] = [] }
    let collected = Collected()
    let writer = ReportWriter(format: .json) { collected.bytes += $0 }
    writer.add(diagnostics)
    writer.finish()
    let parsed = (try? JSONSerialization.jsonObject(with: Data(collected.bytes))) as? [String: Any]
    precondition((parsed?["diagnostics"] as? [Any])?.count == diagnostics.count, "the streamed findings are not the JSON of every finding")
    return diagnostics
}

/// Renders a diff every way the product does.
func render(_ diff: SemanticDiff) {
    _ = diff.text()
    _ = diff.summary()
    _ = diff.html(title: "fuzz")
    _ = try? JSONEncoder().encode(diff)
}

/// The input split at NUL bytes into at most `count` parts (a missing part is nil: an absent file).
func parts(_ bytes: [UInt8], _ count: Int) -> [[UInt8]?] {
    var result = bytes.split(separator: 0, maxSplits: count - 1, omittingEmptySubsequences: false).map { Array($0) as [UInt8]? }
    while result.count < count { result.append(nil) }
    return result
}

func input(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
