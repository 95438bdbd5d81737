import Foundation
import GPMCore
import GPMSync
import Yams

/// Reads `exports/<name>.yaml` from the snapshot, else the template's copy (a central started before the
/// file existed exports with the defaults).
func mappingText(_ name: String, in source: FileSource) -> (text: String, path: String) {
    let path = RepositoryPath.exportMapping(name).path!
    if let bytes = source.bytes(at: path) { return (String(decoding: bytes, as: UTF8.self), path) }
    return (CentralSetup.templateFiles[path] ?? "", path + " (template)")
}

func loadYAML(_ text: String, path: String) throws(GPMError) -> [String: Any] {
    do {
        guard let object = try Yams.load(yaml: text) else { return [:] }
        guard let map = object as? [String: Any] else {
            throw GPMError(.invalid, en: "\(path) is not a YAML mapping", tr: "\(path) bir YAML eşlemesi değil")
        }
        return map
    } catch let e as GPMError {
        throw e
    } catch {
        throw GPMError(.invalid, en: "\(path) cannot be read as YAML: \(error)", tr: "\(path) YAML olarak okunamadı: \(error)")
    }
}

/// `exports/hxl.yaml`: the hashtag of each column and measure, and the dimension spread into columns.
public struct HXLMapping: Sendable {
    public var columns: [String: String] = [:]
    /// `dataset.measure` → hashtag.
    public var measures: [String: String] = [:]
    public var spreadDimension: String?
    /// Code of the spread dimension → attribute (`+f`), in the file's order.
    public var spreadAttributes: [(code: String, attribute: String)] = []

    public init(source: FileSource) throws(GPMError) {
        let (text, path) = mappingText("hxl", in: source)
        try self.init(yaml: text, path: path)
    }

    public init(yaml: String, path: String = "exports/hxl.yaml") throws(GPMError) {
        let map = try loadYAML(yaml, path: path)
        func strings(_ key: String) throws(GPMError) -> [String: String] {
            guard let raw = map[key] else { return [:] }
            guard let dict = raw as? [String: Any] else {
                throw GPMError(.invalid, en: "\(path): '\(key)' must be a mapping", tr: "\(path): '\(key)' bir eşleme olmalı")
            }
            var out: [String: String] = [:]
            for (k, v) in dict {
                let tag = "\(v)"
                guard Self.isHashtag(tag) else {
                    throw GPMError(.invalid, en: "\(path): '\(tag)' (for \(k)) is not an HXL hashtag such as #adm2+code",
                                   tr: "\(path): '\(tag)' (\(k) için) #adm2+code gibi bir HXL etiketi değil")
                }
                out[k] = tag
            }
            return out
        }
        columns = try strings("columns")
        measures = try strings("measures")
        if let spread = map["spread"] as? [String: Any], let dimension = spread["dimension"] as? String {
            spreadDimension = dimension
            // Yams gives an unordered mapping: the order of the columns follows the code list's order later.
            for (code, attribute) in spread["attributes"] as? [String: Any] ?? [:] {
                let a = "\(attribute)"
                guard a.isEmpty || Self.isHashtag("#x" + a) else {
                    throw GPMError(.invalid, en: "\(path): '\(a)' is not an HXL attribute such as +f", tr: "\(path): '\(a)' +f gibi bir HXL özniteliği değil")
                }
                spreadAttributes.append((code, a))
            }
        }
    }

    /// The hashtag of a column: the mapping's, else `#x_<name>`.
    public func tag(column name: String) -> String { columns[name] ?? "#x_" + Self.tagWord(name) }

    /// The hashtag of a measure's counts.
    public func tag(dataset: String, measure: String) -> String {
        measures[dataset + "." + measure] ?? measures[measure] ?? "#x_" + Self.tagWord(measure) + "+num"
    }

    /// HXL's syntax: `#tag(+attribute)*`, letters, digits and underscores, starting with a letter.
    public static func isHashtag(_ s: String) -> Bool {
        guard s.hasPrefix("#") else { return false }
        let parts = s.dropFirst().split(separator: "+", omittingEmptySubsequences: false)
        return parts.allSatisfy { p in
            guard let first = p.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
            return p.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        }
    }

    static func tagWord(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
    }
}

/// `exports/dhis2.yaml`: data elements, category option combos and org units of a DHIS2 instance.
public struct DHIS2Mapping: Sendable {
    public enum IDScheme: String, Sendable { case uid, code }
    public var dataElementIdScheme = IDScheme.uid
    public var orgUnitIdScheme = IDScheme.uid
    public var categoryOptionComboIdScheme = IDScheme.uid
    /// Whether rows with an `ALL` code are sent (with their own combo) or left to DHIS2 to compute.
    public var sendTotals = false
    public var attributeOptionCombo = ""
    public var orgUnits: [String: String] = [:]
    public var datasets: [String: DatasetMapping] = [:]
    public let path: String

    public struct DatasetMapping: Sendable {
        public var dataElements: [String: String] = [:]
        /// `{dimension}` placeholders.
        public var comboPattern: String?
        /// Dimension codes joined by `|` → combo.
        public var combos: [String: String] = [:]
    }

    public init(source: FileSource) throws(GPMError) {
        let (text, path) = mappingText("dhis2", in: source)
        try self.init(yaml: text, path: path)
    }

    public init(yaml: String, path: String = "exports/dhis2.yaml") throws(GPMError) {
        self.path = path
        let map = try loadYAML(yaml, path: path)
        func scheme(_ key: String) throws(GPMError) -> IDScheme {
            guard let raw = map[key] else { return .uid }
            guard let s = IDScheme(rawValue: "\(raw)".lowercased()) else {
                throw GPMError(.invalid, en: "\(path): \(key) must be uid or code", tr: "\(path): \(key) uid veya code olmalı")
            }
            return s
        }
        dataElementIdScheme = try scheme("dataElementIdScheme")
        orgUnitIdScheme = try scheme("orgUnitIdScheme")
        categoryOptionComboIdScheme = try scheme("categoryOptionComboIdScheme")
        switch "\(map["totals"] ?? "omit")" {
        case "omit": sendTotals = false
        case "combo": sendTotals = true
        case let other:
            throw GPMError(.invalid, en: "\(path): totals must be omit or combo, not '\(other)'", tr: "\(path): totals omit veya combo olmalı, '\(other)' değil")
        }
        attributeOptionCombo = (map["attributeOptionCombo"]).map { "\($0)" } ?? ""
        orgUnits = (map["orgUnits"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
        for (name, raw) in map["datasets"] as? [String: Any] ?? [:] {
            guard let d = raw as? [String: Any] else {
                throw GPMError(.invalid, en: "\(path): datasets.\(name) must be a mapping", tr: "\(path): datasets.\(name) bir eşleme olmalı")
            }
            datasets[name] = DatasetMapping(
                dataElements: (d["dataElements"] as? [String: Any] ?? [:]).mapValues { "\($0)" },
                comboPattern: d["categoryOptionCombo"].map { "\($0)" },
                combos: (d["categoryOptionCombos"] as? [String: Any] ?? [:]).mapValues { "\($0)" })
        }
    }

    /// The DHIS2 org unit of an org unit: the table's entry, else its own code when org units go by code.
    public func orgUnit(_ org: String) -> String? { orgUnits[org] ?? (orgUnitIdScheme == .code ? org : nil) }

    /// The import parameters the identifiers need (DHIS2's default is uid for each).
    public var importParameters: [(String, String)] {
        [("dataElementIdScheme", dataElementIdScheme), ("orgUnitIdScheme", orgUnitIdScheme),
         ("categoryOptionComboIdScheme", categoryOptionComboIdScheme)].filter { $0.1 != .uid }.map { ($0.0, $0.1.rawValue.uppercased()) }
    }
}

extension DHIS2Mapping.DatasetMapping {
    /// The combo of a row's codes (in primary-key order): the table's entry, else the pattern filled in.
    func combo(codes: [String], dimensions: [String]) -> String? {
        if let c = combos[codes.joined(separator: "|")] { return c }
        guard var text = comboPattern else { return nil }
        for (d, code) in zip(dimensions, codes) { text = text.replacingOccurrences(of: "{\(d)}", with: code) }
        return text.contains("{") ? nil : text
    }
}
