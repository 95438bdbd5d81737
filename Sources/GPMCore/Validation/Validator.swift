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
    /// Every file of the source, set by `validateAll`, which has just listed them: an earlier period the
    /// outlier rule asks for that is not in it is known to be absent, without trying to open it (a whole
    /// tree's first year asks for thousands).
    var listing: Set<String>?
    /// Tables already read in this validation, so a file's history is parsed once, not twelve times.
    let readTables = KeyedRowsCache()
    /// Each dataset's schema, prepared once.
    let plans: [String: TablePlan]
    let interner = KeyInterner()

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
        let lists = self.codeLists
        plans = Dictionary((self.package?.datasets ?? []).map { ($0.name, TablePlan(dataset: $0, codeLists: lists)) },
                           uniquingKeysWith: { a, _ in a })
    }

    /// Validates every file of the source.
    public func validateAll() -> [Diagnostic] {
        var out: [Diagnostic] = []
        validateAll { out += $0 }
        return out
    }

    /// Validates every file of the source, handing each file's findings to `emit` in path order (see
    /// `validate(entries:emit:)`).
    public func validateAll(emit: ([Diagnostic]) -> Void) {
        let entries = source.files()
        var whole = self
        whole.listing = Set(entries.map(\.path))
        whole.validate(entries: entries, emit: emit)
    }

    /// Validates the given files (paths that no longer exist are skipped: a deletion is always valid).
    public func validate(paths: [String]) -> [Diagnostic] {
        validate(entries: paths.compactMap { source.entry(at: $0) })
    }

    /// Validates the files, on every core when there are several series (see `validate(entries:emit:)`).
    public func validate(entries: [FileEntry]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        validate(entries: entries) { out += $0 }
        return out
    }

    /// Every check on one file.
    public func validate(entry: FileEntry) -> [Diagnostic] {
        validate(entry: entry, cache: readTables)
    }

    /// Every check on one file; `cache` keeps the tables read for the outlier rule's earlier periods.
    func validate(entry: FileEntry, cache: KeyedRowsCache) -> [Diagnostic] {
        let path = entry.path
        var out: [Diagnostic] = []
        if entry.nameIsNotUTF8 {
            return [Diagnostic(path: path, rule: "path-not-allowed", message: Messages.nameNotUTF8())]
        }
        if entry.isSymlink {
            return [Diagnostic(path: path, rule: "symlink", message: Messages.symlink())]
        }
        let kind = RepositoryPath(path)
        if entry.size > Self.maximumFileSize {
            let tooLarge = Diagnostic(path: path, rule: "file-too-large", message: Messages.tooLarge(entry.size))
            if kind == .notAllowed { return [Diagnostic(path: path, rule: "path-not-allowed", message: Messages.pathNotAllowed()), tooLarge] }
            return [tooLarge]
        }
        guard let bytes = source.bytes(at: path) else {
            return kind == .notAllowed ? [Diagnostic(path: path, rule: "path-not-allowed", message: Messages.pathNotAllowed())] : []
        }
        // A file outside the layout, or one that is not UTF-8 (Windows-1254 from a Turkish Excel), is still
        // read for personal data: whatever is in the tree can be recorded, and an identifier must never be.
        if kind == .notAllowed {
            return [Diagnostic(path: path, rule: "path-not-allowed", message: Messages.pathNotAllowed())]
                + scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        }
        let problem = encodingProblem(path, bytes)
        if case .record = kind, let finding = dialectFinding(path: path, bytes: bytes, utf8: problem == nil) {
            return [finding] + scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        }
        if let problem {
            return [problem] + scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        }
        var text: String { String(decoding: bytes, as: UTF8.self) }
        if let n = conflicts[path], n > 0 {
            out.append(Diagnostic(path: path, rule: "conflict", message: Messages.conflict(n)))
        }
        switch kind {
        case .record(let org, let datasetName, let periodText):
            out += validateRecords(path: path, bytes: bytes, org: org, datasetName: datasetName, periodText: periodText, cache: cache)
        case .practice(let org, let id):
            out += PracticeRules(codeLists: codeLists).validate(path: path, text: text, org: org, id: id)
        case .profile:
            out += PracticeRules(codeLists: codeLists).validateProfile(path: path, text: text)
        case .dataPackage:
            if let packageError {
                out.append(Diagnostic(path: path, rule: "package-error", message: Message(en: packageError, tr: "datapackage.json okunamadı: \(packageError)")))
            }
            out += scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        case .access:
            out += AccessList(bytes: bytes, orgUnits: codeLists["org_units"]).problems
            out += scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        case .codeList, .readme, .exportMapping, .notAllowed:
            out += scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        }
        return out
    }

    func validateRecords(path: String, bytes: [UInt8], org: String, datasetName: String, periodText: String,
                         cache: KeyedRowsCache) -> [Diagnostic] {
        // A table that cannot be read by its schema is still read line by line for personal data.
        guard let package else {
            return [Diagnostic(path: path, rule: "unknown-dataset",
                               message: Message(en: packageError ?? "no datapackage.json", tr: "datapackage.json okunamadı"))]
                + scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        }
        guard let dataset = package.dataset(named: datasetName) else {
            return [Diagnostic(path: path, rule: "unknown-dataset", message: Messages.unknownDataset(datasetName))]
                + scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        }
        var out: [Diagnostic] = []
        guard let period = Period(periodText), period.type == dataset.periodType else {
            return [Diagnostic(path: path, rule: "bad-period", message: Messages.badPeriod(periodText, dataset.periodType))]
                + scanForPersonalData(path: path, bytes: bytes, allowEmail: false)
        }
        if !period.hasBegun(year: today.year, month: today.month) {
            out.append(Diagnostic(path: path, rule: "future-period", message: Messages.futurePeriod(periodText)))
        }
        let plan = plans[datasetName]!
        var rules = TableRules(path: path, plan: plan, interner: interner)
        out += rules.check(CSV.Cells(bytes))
        if checkOutliers {
            out += OutlierRule(path: path, plan: plan, rows: rules.rows).check(
                history: history(org: org, plan: plan, before: period, cache: cache))
            cache.store(path, rules.rows)
        }
        return out
    }

    /// The same municipality's tables of the 12 periods before `period`, nearest first, nil where absent.
    func history(org: String, plan: TablePlan, before period: Period, cache readTables: KeyedRowsCache) -> [KeyedRows?] {
        let dataset = plan.dataset
        var result: [KeyedRows?] = []
        var p = period
        for _ in 0..<12 {
            p = p.previous
            let path = RepositoryPath.record(orgUnit: org, dataset: dataset.name, period: "\(p)").path!
            if let table = readTables.table(path) { result.append(table); continue }
            if readTables.isAbsent(path) { result.append(nil); continue }
            guard listing?.contains(path) ?? true, let bytes = source.bytes(at: path) else {
                readTables.markAbsent(path)
                result.append(nil)
                continue
            }
            var rules = TableRules(path: "", plan: plan, interner: interner)
            _ = rules.check(CSV.Cells(bytes))
            readTables.store(path, rules.rows)
            result.append(rules.rows)
        }
        return result
    }

    /// The personal-data guard on every line of a file that has no finer reading (by cell or by field).
    public func scanForPersonalData(path: String, bytes: [UInt8], allowEmail: Bool) -> [Diagnostic] {
        PersonalData.scanLines(bytes, allowEmail: allowEmail).map {
            Diagnostic(path: path, line: $0.line, rule: $0.finding.rule, message: PersonalData.message(for: $0.finding.rule))
        }
    }
}

/// `encoding-error` for a NUL byte or invalid UTF-8, nil for a clean file. Plain ASCII, the usual case, is
/// confirmed eight bytes at a time before the full UTF-8 check.
func encodingProblem(_ path: String, _ bytes: [UInt8]) -> Diagnostic? {
    let clean: Bool = bytes.withUnsafeBytes { raw in
        let n = raw.count
        var i = 0
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // High bit set in any byte, or any byte zero.
            if w & 0x8080_8080_8080_8080 != 0 || (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n { if raw[i] == 0 || raw[i] >= 0x80 { return false }; i += 1 }
        return true
    }
    if clean { return nil }
    if let nul = bytes.firstIndex(of: 0) {
        return Diagnostic(path: path, line: lineOf(offset: nul, in: bytes), rule: "encoding-error", message: Messages.nulByte())
    }
    if String(validating: bytes, as: UTF8.self) == nil {
        return Diagnostic(path: path, line: firstInvalidUTF8Line(bytes), rule: "encoding-error", message: Messages.encoding())
    }
    return nil
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

/// The keyed rows of the tables one validation read last, by path. Files are validated in path order, so a
/// table's earlier periods were read just before it: a few dozen tables are enough, and a validation of the
/// whole tree does not keep every table in memory.
final class KeyedRowsCache: @unchecked Sendable { // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var tables: [String: KeyedRows] = [:]
    private var order: [String] = []
    private let capacity = 32

    /// Earlier periods found not filed: most tables of the first year ask for them, twelve times each.
    private var absent: Set<String> = []

    func table(_ path: String) -> KeyedRows? { lock.lock(); defer { lock.unlock() }; return tables[path] }
    func isAbsent(_ path: String) -> Bool { lock.lock(); defer { lock.unlock() }; return absent.contains(path) }
    func markAbsent(_ path: String) { lock.lock(); absent.insert(path); lock.unlock() }

    func store(_ path: String, _ value: KeyedRows) {
        lock.lock(); defer { lock.unlock() }
        if tables.updateValue(value, forKey: path) == nil { order.append(path) }
        if order.count > capacity { tables[order.removeFirst()] = nil }
    }
}
