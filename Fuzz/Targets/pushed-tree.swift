// Fuzz target: the entries of a pushed tree, as the central's door reads them (name bytes, mode, size).
//
// FOR THE LEAD: the door's checker of tree entries (names without `/`, `..`, control characters or case
// variants; modes 100644/040000 only; sizes up to 10 MiB) is being written on the central side. When it
// lands, call it from `checkPushedEntries` below; it must take the decoded entries and never trap. Until
// then this target exercises what the door builds on in the core: the classification of every joined path,
// validation of the entries' bytes at those paths, and the terminal rendering of hostile names.
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
    for e in entries {
        let name = String(decoding: e.name, as: UTF8.self)
        _ = name.terminalEscaped
        for path in ["municipalities/34-kadikoy/\(name)", "municipalities/34-kadikoy/data/residents/\(name)", name] {
            _ = RepositoryPath(path)
            if e.mode == 0o100644 { files[path] = e.content }
        }
    }
    validate(files)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPushedTree(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkPushedEntries(decodeEntries(input(data, size)))
    return 0
}
