// Fuzz target: the record merge's inputs. The input is split at NUL bytes into base, local and central
// versions of a table (an absent part is a deleted file); the merge runs for each dataset, each conflict is
// resolved every way, and the three versions are diffed as tables and as documents.
@testable import GPMCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordMerge(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let versions = parts(input(data, size), 3)
    let (base, local, central) = (versions[0], versions[1], versions[2])
    for dataset in templatePackage.datasets {
        guard let merged = RecordMerge.merge(base: base, ours: local, theirs: central, dataset: dataset) else { continue }
        for conflict in merged.conflicts.prefix(16) {
            for value in [nil, conflict.theirs, "0", "\u{1B}[2J"] as [String?] {
                _ = RecordMerge.resolve(merged.bytes, dataset: dataset, conflict: conflict, value: value)
            }
        }
        if let bytes = merged.bytes { _ = RecordTable(bytes: bytes, schema: dataset.schema) }
    }
    for path in ["municipalities/34-kadikoy/data/residents/2025Q1.csv", "municipalities/34-kadikoy/practices/gp-2025-01-fuzz.md",
                 "municipalities/34-kadikoy/profile.yaml"] {
        let changes = [SemanticDiff.fileChange(path: path, old: base, new: local, package: templatePackage),
                       SemanticDiff.fileChange(path: path, old: base, new: central, package: templatePackage)].compactMap { $0 }
        render(SemanticDiff(files: changes))
    }
    return 0
}
