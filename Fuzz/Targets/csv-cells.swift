// Fuzz target: a record file's bytes, validated as a quarterly and a monthly table (every structural and
// domain rule, the outlier rule against a previous period, the personal-data guard), parsed for the merge
// and diffed against a fixed earlier version.
@testable import GPMCore

let previousQuarter = Array("""
    legal_status,nationality,sex,age_group,count,source,missing_reason,comment
    TP,SYR,F,ALL,1,admin_register,,
    TP,SYR,M,ALL,100000000000000000,admin_register,,
    TP,SYR,ALL,ALL,9223372036854775807,admin_register,,
    TP,AFG,F,ALL,-9223372036854775807,admin_register,,

    """.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVCells(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = input(data, size)
    let quarter = "municipalities/34-kadikoy/data/residents/2025Q2.csv"
    validate([
        "municipalities/34-kadikoy/data/residents/2025Q1.csv": previousQuarter,
        quarter: bytes,
        "municipalities/34-kadikoy/data/services/2025-03.csv": bytes,
    ])
    _ = CSV.parse(bytes)
    // The quick reading of a file without quotes must be the general one, offsets and lines included.
    let quick = CSV.Cells(bytes), general = CSV.Cells(bytes, general: true)
    precondition(quick.starts == general.starts && quick.ends == general.ends && quick.rowEnds == general.rowEnds
                 && quick.lines == general.lines && quick.rowOffsets == general.rowOffsets && quick.storage == general.storage
                 && quick.problems == general.problems, "the quick CSV reading differs from the general one")
    // The personal-data prefilter's word-wise count must be the byte-wise one.
    let (digits, at) = bytes.withUnsafeBufferPointer(PersonalData.digitsAndAt)
    precondition(digits == bytes.filter { $0 >= 0x30 && $0 <= 0x39 }.count && at == bytes.contains(0x40), "digit count")
    for dataset in templatePackage.datasets { _ = RecordTable(bytes: bytes, schema: dataset.schema) }
    if let change = SemanticDiff.fileChange(path: quarter, old: previousQuarter, new: bytes, package: templatePackage) {
        render(SemanticDiff(files: [change]))
    }
    return 0
}
