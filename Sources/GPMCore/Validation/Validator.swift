import Foundation

/// Validates the files of a data repository against its own datapackage.json and code lists.
public struct Validator: Sendable {
    public static let maximumFileSize = 10 * 1024 * 1024

    public let source: FileSource
    public let package: DataPackage?
    public let packageError: String?
    public let codeLists: CodeLists
    /// Today's year and month, for `future-period`.
    public let today: (year: Int, month: Int)
    /// Unresolved conflicts recorded per path (reported as `conflict`).
    public var conflicts: [String: Int] = [:]
    /// Whether to look at earlier periods for `outlier` warnings.
    public var checkOutliers = true
    /// Tables already read in this validation, so a file's history is parsed once, not twelve times.
    let readTables = TypedRowCache()

    public init(source: FileSource, today: Date = Date(), package: DataPackage? = nil, codeLists: CodeLists? = nil) {
        self.source = source
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Europe/Istanbul") ?? .current
        let c = cal.dateComponents([.year, .month], from: today)
        self.today = (c.year ?? 2000, c.month ?? 1)
        if let package {
            self.package = package
            self.packageError = nil
        } else if let bytes = source.bytes(at: "datapackage.json") {
            do {
                self.package = try DataPackage(json: bytes)
                self.packageError = nil
            } catch {
                self.package = nil
                self.packageError = error.message
            }
        } else {
            self.package = nil
            self.packageError = "datapackage.json is missing"
        }
        if let codeLists { self.codeLists = codeLists }
        else if let p = self.package { self.codeLists = CodeLists(package: p, source: source) }
        else { self.codeLists = CodeLists(codes: [:]) }
    }

    /// Validates every file of the source.
    public func validateAll() -> [Diagnostic] {
        validate(entries: source.files())
    }

    /// Validates the given files (paths that no longer exist are skipped: a deletion is always valid).
    public func validate(paths: [String]) -> [Diagnostic] {
        validate(entries: paths.compactMap { source.entry(at: $0) })
    }

    public func validate(entries: [FileEntry]) -> [Diagnostic] {
        entries.flatMap { validate(entry: $0) }
    }

    /// Every check on one file.
    public func validate(entry: FileEntry) -> [Diagnostic] {
        let path = entry.path
        var out: [Diagnostic] = []
        if entry.isSymlink {
            return [Diagnostic(path: path, rule: "symlink", message: Messages.symlink())]
        }
        let kind = RepositoryPath(path)
        if kind == .notAllowed {
            return [Diagnostic(path: path, rule: "path-not-allowed", message: Messages.pathNotAllowed())]
        }
        if entry.size > Self.maximumFileSize {
            return [Diagnostic(path: path, rule: "file-too-large", message: Messages.tooLarge(entry.size))]
        }
        guard let bytes = source.bytes(at: path) else { return [] }
        if bytes.contains(0) {
            return [Diagnostic(path: path, line: lineOf(offset: bytes.firstIndex(of: 0)!, in: bytes),
                               rule: "encoding-error", message: Messages.nulByte())]
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return [Diagnostic(path: path, line: firstInvalidUTF8Line(bytes), rule: "encoding-error", message: Messages.encoding())]
        }
        if let n = conflicts[path], n > 0 {
            out.append(Diagnostic(path: path, rule: "conflict", message: Messages.conflict(n)))
        }
        switch kind {
        case .record(let org, let datasetName, let periodText):
            out += validateRecords(path: path, bytes: bytes, org: org, datasetName: datasetName, periodText: periodText)
        case .practice(let org, let id):
            out += PracticeRules(codeLists: codeLists).validate(path: path, text: text, org: org, id: id)
        case .profile:
            out += PracticeRules(codeLists: codeLists).validateProfile(path: path, text: text)
        case .dataPackage:
            if let packageError {
                out.append(Diagnostic(path: path, rule: "package-error", message: Message(en: packageError, tr: "datapackage.json okunamadı: \(packageError)")))
            }
        case .codeList, .access:
            out += scanTextForPersonalData(path: path, text: text, allowEmail: false)
        case .readme, .notAllowed:
            break
        }
        return out
    }

    func validateRecords(path: String, bytes: [UInt8], org: String, datasetName: String, periodText: String) -> [Diagnostic] {
        guard let package else {
            return [Diagnostic(path: path, rule: "unknown-dataset",
                               message: Message(en: packageError ?? "no datapackage.json", tr: "datapackage.json okunamadı"))]
        }
        guard let dataset = package.dataset(named: datasetName) else {
            return [Diagnostic(path: path, rule: "unknown-dataset", message: Messages.unknownDataset(datasetName))]
        }
        var out: [Diagnostic] = []
        guard let period = Period(periodText), period.type == dataset.periodType else {
            return [Diagnostic(path: path, rule: "bad-period", message: Messages.badPeriod(periodText, dataset.periodType))]
        }
        if !period.hasBegun(year: today.year, month: today.month) {
            out.append(Diagnostic(path: path, rule: "future-period", message: Messages.futurePeriod(periodText)))
        }
        let table = CSV.parse(bytes)
        var rules = TableRules(path: path, dataset: dataset, codeLists: codeLists)
        out += rules.check(table)
        if checkOutliers {
            out += OutlierRule(path: path, dataset: dataset, rows: rules.typedRows).check(
                history: history(org: org, dataset: dataset, before: period))
            readTables.store(path, IndexedTable(rules.typedRows))
        }
        return out
    }

    /// The same municipality's tables of the 12 periods before `period`, nearest first, nil where absent.
    func history(org: String, dataset: Dataset, before period: Period) -> [IndexedTable?] {
        var result: [IndexedTable?] = []
        var p = period
        for _ in 0..<12 {
            p = p.previous
            let path = "municipalities/\(org)/data/\(dataset.name)/\(p).csv"
            if let table = readTables.table(path) { result.append(table); continue }
            guard let bytes = source.bytes(at: path) else { result.append(nil); continue }
            var rules = TableRules(path: "", dataset: dataset, codeLists: codeLists)
            _ = rules.check(CSV.parse(bytes))
            let table = IndexedTable(rules.typedRows)
            readTables.store(path, table)
            result.append(table)
        }
        return result
    }

    func scanTextForPersonalData(path: String, text: String, allowEmail: Bool) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for f in PersonalData.scan(String(line), allowEmail: allowEmail) {
                out.append(Diagnostic(path: path, line: i + 1, rule: f.rule, message: PersonalData.message(for: f.rule)))
            }
        }
        return out
    }
}

func lineOf(offset: Int, in bytes: [UInt8]) -> Int {
    bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
}

func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
    var line = 1
    var start = 0
    for (i, b) in bytes.enumerated() where b == 0x0A {
        if String(validating: bytes[start..<i], as: UTF8.self) == nil { return line }
        line += 1
        start = i + 1
    }
    return line
}

/// Typed rows of the tables one validation has read, by path.
final class TypedRowCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [String: IndexedTable] = [:]

    func table(_ path: String) -> IndexedTable? { lock.lock(); defer { lock.unlock() }; return tables[path] }
    func store(_ path: String, _ value: IndexedTable) { lock.lock(); tables[path] = value; lock.unlock() }
}
