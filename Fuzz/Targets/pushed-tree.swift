// Fuzz target: the entries of a pushed tree, as the central's door reads them (name bytes, mode, size):
// the door's own rules (`TreeEntryRules`, what `IncomingHistory` applies to every new tree object), then
// validation of the accepted files' bytes at the paths they would have.
@testable import GPMCore

struct PushedEntry {
    var name: [UInt8]
    var mode: UInt32
    var size: Int
    var content: [UInt8]
}

/// Entries from the input: per entry one byte picks the mode, one byte the name's length, then the name,
/// then two bytes of content length and the content.
func decodeEntries(_ bytes: [UInt8]) -> [PushedEntry] {
    let modes: [UInt32] = [0o100644, 0o040000, 0o100755, 0o120000, 0o160000, 0o100664, 0, 0o777777]
    var entries: [PushedEntry] = []
    var i = 0
    while i + 2 <= bytes.count, entries.count < 64 {
        let mode = modes[Int(bytes[i]) % modes.count]
        let nameLength = Int(bytes[i + 1])
        i += 2
        let name = Array(bytes[i..<min(bytes.count, i + nameLength)])
        i += name.count
        var contentLength = 0
        if i + 2 <= bytes.count { contentLength = Int(bytes[i]) << 8 | Int(bytes[i + 1]); i += 2 }
        let content = Array(bytes[i..<min(bytes.count, i + contentLength)])
        i += content.count
        entries.append(PushedEntry(name: name, mode: mode, size: content.count, content: content))
    }
    return entries
}

func checkPushedEntries(_ entries: [PushedEntry]) {
    var files: [String: [UInt8]] = [:]
    let checked = TreeEntryRules.check(entries.map { ($0.name, $0.mode) })
    for (e, verdict) in zip(entries, checked) {
        _ = TreeEntryRules.sizeProblem(e.size, where: "here", placeTR: "burada")
        // Only what the door lets through reaches validation, as on the server.
        guard case .success(let kind) = verdict.result else { continue }
        precondition(!verdict.name.contains("/") && verdict.name != ".." && verdict.name != ".", "the door let \(verdict.name) through")
        guard kind == .file else { continue }
        for path in ["municipalities/34-kadikoy/\(verdict.name)", "municipalities/34-kadikoy/data/residents/\(verdict.name)", verdict.name] {
            _ = RepositoryPath(path)
            files[path] = e.content
        }
    }
    validate(files)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPushedTree(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkPushedEntries(decodeEntries(input(data, size)))
    return 0
}
