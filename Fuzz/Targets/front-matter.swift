// Fuzz target: a good-practice document (YAML front matter and Markdown body) and a profile, validated,
// and the document diffed against a fixed earlier version.
@testable import GPMCore

let earlierDocument = Array("---\nid: gp-2025-01-fuzz\ntitle:\n  tr: Dil kursu\nstatus: pilot\n---\n## Özet\nA\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontMatter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = input(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    let document = PracticeDocument(text: text)
    _ = document.frontMatter.map { YAMLValue.mapping($0).scalars() }
    _ = document.sections
    let path = "municipalities/34-kadikoy/practices/gp-2025-01-fuzz.md"
    validate([path: bytes, "municipalities/34-kadikoy/profile.yaml": bytes])
    if let change = SemanticDiff.fileChange(path: path, old: earlierDocument, new: bytes, package: templatePackage) {
        render(SemanticDiff(files: [change]))
    }
    return 0
}
