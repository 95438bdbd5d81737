import Foundation
import GPMCore
import GPMSync

/// What an export writes, one table at a time: `begin` a dataset, `write` each of its periods, `end` it;
/// `finish` once at the end.
protocol TableWriter: AnyObject {
    func begin(_ layout: TableLayout) throws
    func write(_ table: PeriodTable) throws
    func end(_ layout: TableLayout) throws
    func finish(_ context: ExportContext) throws -> [WrittenFile]
}

/// A file an export wrote.
public struct WrittenFile: Sendable, Codable, Equatable {
    public var path: String
    /// Data rows (CSV) or data values (DHIS2).
    public var rows: Int
    public var dataset: String?
    public var note: String?
    public init(path: String, rows: Int, dataset: String?, note: String? = nil) {
        self.path = path; self.rows = rows; self.dataset = dataset; self.note = note
    }
}

/// What the writers know of the export as a whole (for the README of provenance).
struct ExportContext {
    var snapshot: MainSnapshot
    var threshold: Int
    var since: Period?
    var protection: [String: SmallCountProtection.Summary]
}

/// `gpmsync export`: central main's tables, consolidated, protected and written in one format.
public struct Exporter {
    public enum Format: String, CaseIterable, Sendable {
        case dhis2, dhis2CSV = "dhis2-csv", hxl, datapackage

        /// The default of `--suppress`: 5 for what is published, none for DHIS2 (a closed system).
        public var defaultThreshold: Int { self == .hxl || self == .datapackage ? 5 : 0 }
    }

    public var format: Format
    public var directory: String
    /// Counts from 1 to `threshold` − 1 are suppressed; below 2, nothing is.
    public var threshold: Int
    public var since: Period?

    public init(format: Format, directory: String, threshold: Int? = nil, since: Period? = nil) {
        self.format = format
        self.directory = directory
        self.threshold = threshold ?? format.defaultThreshold
        self.since = since
    }

    public struct Report: Sendable, Codable {
        public var format: String
        public var commit: String
        public var threshold: Int
        public var files: [WrittenFile]
        /// Per dataset: cells, and how many were suppressed as small and to protect them.
        public var cells: [String: Int]
        public var primary: [String: Int]
        public var secondary: [String: Int]
    }

    public func run(_ snapshot: MainSnapshot) throws -> Report {
        let consolidation = try Consolidation(source: snapshot.source, since: since)
        // Everything is written in a staging folder inside `directory` (the same file system) and moved into
        // place only once every file is complete: an export that fails half-way (a full disk, a period that
        // cannot be protected) publishes nothing, not one dataset's new file beside another's old one.
        let staging = directory + "/" + Self.stagingPrefix + "\(getpid())"
        Self.removeAbandonedStaging(in: directory)
        try? FileManager.default.removeItem(atPath: staging)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let writer: TableWriter
        switch format {
        case .hxl: writer = HXLWriter(directory: staging, mapping: try HXLMapping(source: snapshot.source))
        case .datapackage: writer = DataPackageWriter(directory: staging)
        case .dhis2, .dhis2CSV:
            writer = try DHIS2Writer(directory: staging, mapping: try DHIS2Mapping(source: snapshot.source), csv: format == .dhis2CSV)
        }
        var protection: [String: SmallCountProtection.Summary] = [:]
        let threshold = threshold
        for (layout, periods) in consolidation.files {
            try writer.begin(layout)
            // Periods are independent: read, totalled and protected on every core, written in order.
            var failure: (any Error)?
            // Set once a period cannot be protected: nothing is published, so the periods after it are skipped.
            let stop = ManagedAtomicFlag()
            OrderedWork.run(tasks: periods.count, work: { t -> Result<(PeriodTable, SmallCountProtection.Summary), GPMError>? in
                guard !stop.isSet else { return nil }
                let (period, files) = periods[t]
                var table = consolidation.table(layout, period: period, files: files)
                do throws(SmallCountProtection.Unprotectable) {
                    let summary = try table.protect(threshold: threshold)
                    return .success((table, summary))
                } catch {
                    stop.set()
                    return .failure(GPMError(.usage, en: "\(layout.dataset.name) \(period): \(error.cells.count) suppressed cell(s) could not be protected; nothing was published",
                                             tr: "\(layout.dataset.name) \(period): \(error.cells.count) gizlenen hücre korunamadı; hiçbir şey yayımlanmadı"))
                }
            }, emit: { _, result in
                guard failure == nil, let result else { return }
                do {
                    let (table, summary) = try result.get()
                    protection[layout.dataset.name, default: .init()] = protection[layout.dataset.name, default: .init()] + summary
                    try writer.write(table)
                } catch {
                    failure = error
                }
            })
            if let failure { throw failure }
            try writer.end(layout)
        }
        let context = ExportContext(snapshot: snapshot, threshold: threshold, since: since, protection: protection)
        let files = try writer.finish(context).map { file in
            var file = file
            file.path = directory + file.path.dropFirst(staging.count)
            return file
        }
        try Self.putInPlace(from: staging, to: directory)
        return Report(format: format.rawValue, commit: snapshot.commit, threshold: threshold, files: files,
                      cells: protection.mapValues(\.cells), primary: protection.mapValues(\.primary),
                      secondary: protection.mapValues(\.secondary))
    }
}

extension Exporter {
    static let stagingPrefix = ".gpmsync-export-"

    /// Removes the staging folders of exports whose process is gone (killed with -9, or the machine lost
    /// power): nothing of them was published, and nobody will finish them. A folder whose process still
    /// runs (an export at work beside this one) is left alone.
    static func removeAbandonedStaging(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(stagingPrefix) {
            guard let pid = pid_t(name.dropFirst(stagingPrefix.count)), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// Moves every staged file to the same place under `directory`, one rename each.
    static func putInPlace(from staging: String, to directory: String) throws {
        var staged: [String] = []
        if let walk = FileManager.default.enumerator(atPath: staging) {
            while let relative = walk.nextObject() as? String {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: staging + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                    staged.append(relative)
                }
            }
        }
        for relative in staged.sorted() {
            let target = directory + "/" + relative
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard rename(staging + "/" + relative, target) == 0 else {
                throw GPMError(.usage, en: "cannot write \(target): \(String(cString: strerror(errno)))",
                               tr: "\(target) dosyası yazılamadı: \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// The README of a published data package: where its figures come from and how they were protected.
enum Provenance {
    static func readme(_ c: ExportContext, files: [WrittenFile]) -> String {
        let date = { (t: Int64) in Timestamp.iso8601(t) }
        var s = """
        # GPM migration records, as published

        The accepted tables of every municipality on GPM's central repository, consolidated per dataset:
        one row per period, municipality (`org_unit`) and key, and one row per province and key whose
        `org_unit` is `ALL`: the sum of the province's district and provincial-centre municipalities
        (metropolitan municipalities cover the same people and are published on their own).

        - Central `main`: commit `\(c.snapshot.commit)` of \(date(c.snapshot.time)), read from \(c.snapshot.origin).
        - Periods: \(c.since.map { "from \($0) on" } ?? "all").

        ## Small counts

        """
        if c.threshold > 1 {
            s += """
            Counts from 1 to \(c.threshold - 1) are left empty with `missing_reason` `suppressed` (primary suppression).
            Further cells are suppressed so that no hidden count can be worked out from the published totals
            (secondary suppression): every group of a total and its parts (the `ALL` row along each
            dimension, and a province with its districts) holds no suppressed cell or at least two, and no
            hidden cell is determined by the published equations (checked by linear algebra on each connected
            set of hidden cells). As few further cells as that needs are hidden, the smallest first.

            | dataset | cells | small (primary) | protecting them (secondary) |
            | --- | ---: | ---: | ---: |

            """
            for (name, p) in c.protection.sorted(by: { $0.key < $1.key }) {
                s += "| \(name) | \(p.cells) | \(p.primary) | \(p.secondary) |\n"
            }
        } else {
            s += "None suppressed (`--suppress` below 2).\n"
        }
        s += "\n## Files\n\n"
        for f in files { s += "- `\((f.path as NSString).lastPathComponent)`: \(f.rows) rows\n" }
        s += "\n## Accepted contributions\n\nEach merge into `main`, newest first, with the review note on the contribution.\n\n"
        s += "| merged | municipality | contribution | merge commit | reviewer | state |\n| --- | --- | --- | --- | --- | --- |\n"
        for a in c.snapshot.accepted {
            s += "| \(date(a.mergedAt)) | \(a.org) | `\(a.tip.prefix(12))` | `\(a.merge.prefix(12))` | \(a.reviewer.map(markdownCell) ?? "–") | \(a.state ?? "–") |\n"
        }
        if c.snapshot.accepted.isEmpty { s += "| – | – | – | – | – | – |\n" }
        return s
    }

    /// A reviewer's name in a table cell: no pipe, no line break, no markup.
    static func markdownCell(_ text: String) -> String {
        String(text.map { "|\n\r`*_<>[]".contains($0) ? " " : $0 })
    }
}
