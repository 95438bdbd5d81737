/// What the codes of the code lists mean, in both languages (`label_en`, `label_tr` of `codelists/*.csv`),
/// for text people read: `SYR (Suriye)` where a line has room for it. Machine outputs keep the bare code.
public struct CodeLabels: Sendable {
    /// Code list name → code → its labels.
    let labels: [String: [String: Message]]
    let package: DataPackage?

    public init(package: DataPackage?, source: FileSource) {
        self.package = package
        var labels: [String: [String: Message]] = [:]
        for (name, path) in package?.codeListPaths ?? [:] {
            guard let bytes = source.bytes(at: path) else { continue }
            let table = CSV.parse(bytes)
            guard let k = table.header.firstIndex(of: "code") else { continue }
            let en = table.header.firstIndex(of: "label_en") ?? table.header.firstIndex(of: "name")
            let tr = table.header.firstIndex(of: "label_tr") ?? table.header.firstIndex(of: "name")
            var list: [String: Message] = [:]
            for row in table.rows where row.fields.count > k {
                func at(_ i: Int?) -> String? { i.flatMap { row.fields.count > $0 && !row.fields[$0].isEmpty ? row.fields[$0] : nil } }
                guard let e = at(en) ?? at(tr) else { continue }
                list[row.fields[k]] = Message(en: e, tr: at(tr) ?? e)
            }
            labels[name] = list
        }
        self.labels = labels
    }

    /// `SYR (Suriye)`: the code with its label in `language`, or the code alone when the list has no label
    /// for it or the label only repeats it (age bands).
    public func labelled(_ code: String, list: String, _ language: Language) -> String {
        guard let label = labels[list]?[code]?.text(language), label != code else { return code }
        return "\(code) (\(label))"
    }

    /// A row key of a record file (`TP|SYR|F|ALL`) with each code labelled:
    /// `TP (Geçici koruma) · SYR (Suriye) · F (Kadın) · ALL (Tümü)`; the key as it is when its file is no
    /// dataset's or its parts do not match the dataset's dimensions.
    public func labelledKey(_ key: String, path: String, _ language: Language) -> String {
        guard case .record(_, let name, _) = RepositoryPath(path), let dataset = package?.dataset(named: name) else { return key }
        let codes = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let dimensions = dataset.schema.primaryKey
        guard codes.count == dimensions.count else { return key }
        return zip(dimensions, codes).map { field, code in
            guard let list = dataset.schema.foreignKeys.first(where: { $0.field == field })?.resource else { return code }
            return labelled(code, list: list, language)
        }.joined(separator: " · ")
    }
}
