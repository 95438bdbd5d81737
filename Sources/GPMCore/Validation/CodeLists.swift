/// The codes of every code list a data package names, read from `codelists/*.csv` (`code` column).
public struct CodeLists: Sendable {
    public let codes: [String: Set<String>]
    /// The same lists as hash tables over bytes, for the validator's cell-by-cell lookups.
    public let tables: [String: CodeTable]

    public init(codes: [String: Set<String>]) {
        self.codes = codes
        self.tables = codes.mapValues { CodeTable($0) }
    }

    public init(package: DataPackage, source: FileSource) {
        var codes: [String: Set<String>] = [:]
        for (name, path) in package.codeListPaths {
            guard let bytes = source.bytes(at: path) else { continue }
            let table = CSV.parse(bytes)
            guard let k = table.header.firstIndex(of: "code") else { continue }
            codes[name] = Set(table.rows.compactMap { $0.fields.count > k ? $0.fields[k] : nil })
        }
        self.init(codes: codes)
    }

    public subscript(name: String) -> Set<String>? { codes[name] }
}
