import Foundation

/// The parts of a Frictionless Data Package that gpmsync reads: the datasets (tabular resources with a
/// `gpmsync` section saying where their files live) and the code lists they refer to.
public struct DataPackage: Sendable {
    public var datasets: [Dataset]
    /// Code-list resource name → path (e.g. `nationalities` → `codelists/nationalities.csv`).
    public var codeListPaths: [String: String]

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    public func dataset(named name: String) -> Dataset? { datasets.first { $0.name == name } }

    /// Parses datapackage.json. Unknown properties are ignored, as Frictionless allows.
    public init(json bytes: [UInt8]) throws(ParseError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let resources = object["resources"] as? [[String: Any]] else {
            throw ParseError(message: "datapackage.json is not a JSON object with a resources list")
        }
        var datasets: [Dataset] = []
        var codeLists: [String: String] = [:]
        for resource in resources {
            guard let name = resource["name"] as? String else { continue }
            if let gpm = resource["gpmsync"] as? [String: Any] {
                guard let schema = resource["schema"] as? [String: Any],
                      let periodRaw = gpm["periodType"] as? String,
                      let periodType = PeriodType(rawValue: periodRaw) else {
                    throw ParseError(message: "resource \(name): a dataset needs a schema and gpmsync.periodType (year, quarter, month)")
                }
                let strict = (gpm["merge"] as? String) == "row"
                datasets.append(Dataset(name: name, periodType: periodType, schema: try TableSchema(schema, resource: name),
                                        rowLevelMerge: strict))
            } else if let path = resource["path"] as? String, path.hasPrefix("codelists/") {
                codeLists[name] = path
            }
        }
        self.datasets = datasets
        self.codeListPaths = codeLists
    }
}

/// How often a dataset reports.
public enum PeriodType: String, Sendable {
    case year, quarter, month
}

/// One dataset: a tidy table per (municipality, period).
public struct Dataset: Sendable {
    public var name: String
    public var periodType: PeriodType
    public var schema: TableSchema
    /// When true, any two edits of one row conflict (instead of merging cell by cell).
    public var rowLevelMerge: Bool
}

/// A Frictionless Table Schema, the parts we check.
public struct TableSchema: Sendable {
    public var fields: [Field]
    public var primaryKey: [String]
    public var foreignKeys: [ForeignKey]
    public var missingValues: [String]

    public struct ForeignKey: Sendable {
        public var field: String
        /// The code-list resource whose `code` column holds the allowed values.
        public var resource: String
        public var referencedField: String
    }

    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// The primary-key fields: the dimensions of the table.
    public var dimensions: [Field] { primaryKey.compactMap { k in fields.first { $0.name == k } } }

    /// Integer fields outside the key: the measures that totals and small cells are checked on.
    public var measures: [Field] { fields.filter { $0.type == .integer && !primaryKey.contains($0.name) } }

    init(_ json: [String: Any], resource: String) throws(DataPackage.ParseError) {
        guard let rawFields = json["fields"] as? [[String: Any]] else {
            throw DataPackage.ParseError(message: "resource \(resource): schema has no fields")
        }
        var fields: [Field] = []
        for f in rawFields {
            guard let name = f["name"] as? String else {
                throw DataPackage.ParseError(message: "resource \(resource): a field without a name")
            }
            fields.append(Field(name: name, json: f))
        }
        self.fields = fields
        switch json["primaryKey"] {
        case let s as String: primaryKey = [s]
        case let a as [String]: primaryKey = a
        default: primaryKey = []
        }
        missingValues = json["missingValues"] as? [String] ?? [""]
        var fks: [ForeignKey] = []
        for fk in json["foreignKeys"] as? [[String: Any]] ?? [] {
            let field = (fk["fields"] as? String) ?? (fk["fields"] as? [String])?.first
            let ref = fk["reference"] as? [String: Any]
            let refField = (ref?["fields"] as? String) ?? (ref?["fields"] as? [String])?.first
            if let field, let res = ref?["resource"] as? String, let refField {
                fks.append(ForeignKey(field: field, resource: res, referencedField: refField))
            }
        }
        foreignKeys = fks
    }
}

/// One column of a table schema.
public struct Field: Sendable {
    public enum Kind: String, Sendable { case string, integer, number, boolean, date, any }
    public var name: String
    public var type: Kind
    public var required: Bool
    public var enumValues: Set<String>?
    public var pattern: String?
    public var minimum: Double?
    public var maximum: Double?
    public var minLength: Int?
    public var maxLength: Int?
    /// Dimensions over which this measure is not a sum (a person counted in several parts).
    public var nonAdditiveOver: Set<String>
    /// A measure this one may never be below (`service_contacts` ≥ `unique_beneficiaries`).
    public var notBelow: String?

    init(name: String, json f: [String: Any]) {
        self.name = name
        self.type = Kind(rawValue: f["type"] as? String ?? "string") ?? .any
        let c = f["constraints"] as? [String: Any] ?? [:]
        required = c["required"] as? Bool ?? false
        enumValues = (c["enum"] as? [Any]).map { Set($0.map { "\($0)" }) }
        pattern = c["pattern"] as? String
        minimum = (c["minimum"] as? NSNumber)?.doubleValue
        maximum = (c["maximum"] as? NSNumber)?.doubleValue
        minLength = c["minLength"] as? Int
        maxLength = c["maxLength"] as? Int
        nonAdditiveOver = Set(f["nonAdditiveOver"] as? [String] ?? [])
        notBelow = f["notBelow"] as? String
    }
}
