// Fuzz target: datapackage.json. When it parses, its schemas are prepared and a table is validated against
// each dataset it declares (bounds, patterns, enums, keys, totals of whatever the schema says).
import Foundation
@testable import GPMCore

let sampleTable = Array("""
    legal_status,nationality,sex,age_group,count,source,missing_reason,comment
    TP,SYR,F,ALL,5,admin_register,,
    TP,SYR,M,ALL,-3,admin_register,,x
    TP,SYR,ALL,ALL,1e300,admin_register,,
    TP,SYR,ALL,ALL,,,suppressed,

    """.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDataPackage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = input(data, size)
    guard let package = try? DataPackage(json: bytes) else { return 0 }
    var files: [String: [UInt8]] = ["datapackage.json": bytes]
    for dataset in package.datasets.prefix(8) {
        let period = ["year": "2025", "quarter": "2025Q1", "month": "2025-03"][dataset.periodType.rawValue]!
        let earlier = ["year": "2024", "quarter": "2024Q4", "month": "2025-02"][dataset.periodType.rawValue]!
        files["municipalities/34-kadikoy/data/\(dataset.name)/\(period).csv"] = sampleTable
        files["municipalities/34-kadikoy/data/\(dataset.name)/\(earlier).csv"] = sampleTable
    }
    validate(files, package: package)
    return 0
}
