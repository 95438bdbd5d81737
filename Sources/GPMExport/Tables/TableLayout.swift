import Foundation
import GPMCore

/// The codes of one column, as small integers: the column's code list first (looked up on the bytes of
/// the file, no string per cell), then any code the list lacks, in the order met. Shared by the workers
/// that read one dataset's periods: a code the list lacks is added under a lock.
final class Codes: @unchecked Sendable { // @unchecked: `known` and `extra` are only touched holding `lock`.
    private let table: CodeTable?
    private let lock = NSLock()
    private var known: [String]
    private var extra: [String: Int32] = [:]

    init(table: CodeTable?) {
        self.table = table
        known = table?.codes ?? []
    }

    /// Every code, by id (a copy: codes met later are not in it).
    var names: [String] { lock.withLock { known } }

    func id(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let id = table?.id(bytes) { return Int32(id) }
        return id(String(decoding: bytes, as: UTF8.self))
    }

    func id(_ code: String) -> Int32 {
        if let id = table?.id(code) { return Int32(id) }
        return lock.withLock {
            if let id = extra[code] { return id }
            known.append(code)
            extra[code] = Int32(known.count - 1)
            return Int32(known.count - 1)
        }
    }

    /// The id of a code when it is known, without adding it.
    func existing(_ code: String) -> Int32? {
        if let id = table?.id(code) { return Int32(id) }
        return lock.withLock { extra[code] }
    }

    var count: Int { lock.withLock { known.count } }
}

/// The org units a table can name: their province, and whether they are part of the province's total.
public struct OrgUnits: Sendable {
    /// Org unit → province (its plate, `34`).
    public var province: [String: String]
    /// Metropolitan municipalities cover the same area as their districts: they are published on their own
    /// and left out of the province's total, which is the sum of the district and provincial-centre
    /// municipalities.
    public var metropolitan: Set<String>

    /// From `codelists/org_units.csv` (`code`, `province_plate`, `type`); an org unit the list lacks gets the
    /// plate its code starts with (`<plate>-<slug>`, the layout's rule).
    public init(package: DataPackage, source: FileSource) {
        province = [:]
        metropolitan = []
        guard let path = package.codeListPaths["org_units"], let bytes = source.bytes(at: path) else { return }
        let table = CSV.parse(bytes)
        guard let c = table.header.firstIndex(of: "code") else { return }
        let p = table.header.firstIndex(of: "province_plate"), t = table.header.firstIndex(of: "type")
        for row in table.rows where row.fields.count == table.header.count {
            let code = row.fields[c]
            province[code] = p.map { row.fields[$0] } ?? String(code.prefix(2))
            if let t, row.fields[t] == "metropolitan" { metropolitan.insert(code) }
        }
    }

    public init(province: [String: String], metropolitan: Set<String>) {
        self.province = province
        self.metropolitan = metropolitan
    }

    public func provinceOf(_ org: String) -> String { province[org] ?? String(org.prefix(2)) }
}

/// How one dataset's files are read into export tables: its dimensions (the primary key), measures, and
/// the code lists of its columns. Generic over datapackage.json: nothing here names a dataset.
public final class TableLayout {
    public let dataset: Dataset
    public let dimensions: [String]
    public let measures: [Field]
    let dimensionCodes: [Codes]
    /// The id of `ALL` per dimension, nil where its code list has none (no totals along it).
    let allCode: [Int32?]
    let sources: Codes
    let reasons: Codes
    /// The name the export gives the org-unit hierarchy in `nonAdditiveOver`.
    public static let orgUnitDimension = "org_unit"
    /// The code of a total row: along a dimension, and of a province's row in the org-unit column.
    public static let total = "ALL"

    public init(dataset: Dataset, codeLists: CodeLists) {
        self.dataset = dataset
        let schema = dataset.schema
        func codes(_ field: String) -> Codes {
            let list = schema.foreignKeys.first { $0.field == field }?.resource
            return Codes(table: list.flatMap { codeLists.tables[$0] })
        }
        let perDimension = schema.primaryKey.map(codes)
        dimensions = schema.primaryKey
        measures = schema.measures
        dimensionCodes = perDimension
        allCode = perDimension.map { $0.existing(TableLayout.total) }
        sources = codes("source")
        reasons = codes("missing_reason")
    }

    /// Whether measure `m` adds up over dimension `name` (a dimension, or `org_unit`).
    public func isAdditive(_ m: Int, over name: String) -> Bool { !measures[m].nonAdditiveOver.contains(name) }
}
