import Foundation
import GPMCharts
import GPMCore
import GPMPages
import GPMSync
import Git

/// A contribution for its page: `review show`'s diff and findings, plus who changed each cell and when (from
/// the branch's commits), each changed measure's series over the earlier periods, and the notes.
enum ContributionReading {
    /// How many periods a chart shows, the marked one included.
    static let chartPeriods = 8
    /// How many of the branch's commits the activity reads.
    static let activityCommits = 200

    static func view(_ session: CentralSession, reviewer: String, org: String, allColumns: Bool, language: Language = .en) throws -> ContributionView {
        let review = try Review(session: session, reviewer: reviewer)
        let shown = try review.show(org: org)
        let git = session.git
        let tipInfo = try git.commit(shown.tip)
        let source = try TreeSource(repository: git, tree: tipInfo.tree)
        let package = source.dataPackage
        let pending = try session.main.map { try git.log(from: shown.tip, hiding: [$0]) } ?? [shown.tip]
        let authors = try attribution(git, commits: pending, diff: shown.diff, package: package)
        let directory = OrgUnitDirectory(session)

        var files: [FileView] = []
        for change in shown.diff.files {
            guard let rows = change.rows, case .record(_, let datasetName, let periodText) = RepositoryPath(change.path),
                  let dataset = package?.dataset(named: datasetName) else {
                files.append(FileView(change: change, keyColumns: [], columns: [], cells: [:]))
                continue
            }
            let schema = dataset.schema
            let keyColumns = schema.primaryKey
            let changedColumns = Set(rows.flatMap { $0.cells.map(\.field) })
            let columns = schema.fields.map(\.name).filter { !keyColumns.contains($0) && (allColumns || changedColumns.contains($0)) }
            let measures = Set(schema.measures.map(\.name))
            let current = source.bytes(at: change.path).flatMap { RecordTable(bytes: $0, schema: schema) }
            let lines = rowLines(source.bytes(at: change.path), keyColumns: keyColumns)
            let series = SeriesReader(git: git, tree: tipInfo.tree, org: RepositoryPath(change.path).orgUnit ?? org,
                                      dataset: datasetName, schema: schema, upTo: periodText)
            let outliers = shown.diagnostics.filter { $0.path == change.path && $0.rule == "outlier" }
            var cells: [String: [String: CellView]] = [:]
            for row in rows {
                var byColumn: [String: CellView] = [:]
                let full = current?.rows[RecordKey(row.key.split(separator: "|", omittingEmptySubsequences: false).map(String.init))]
                for column in columns {
                    let who = authors[change.path]?[row.key]?[column]
                    if let c = row.cells.first(where: { $0.field == column }) {
                        var chart: SeriesChart? = nil
                        if row.kind != .removed, measures.contains(column) {
                            let finding = outliers.first { $0.field == column && $0.line != nil && $0.line == lines[row.key] }
                            chart = series.chart(key: row.key, field: column, finding: finding.map { Words(language).text($0.message) })
                        }
                        byColumn[column] = CellView(old: c.old, new: c.new, changed: row.kind == .changed, who: who?.name, when: who?.date, chart: chart)
                    } else if let value = full?[column] {
                        byColumn[column] = CellView(old: value, new: value, changed: false)
                    }
                }
                cells[row.key] = byColumn
            }
            files.append(FileView(change: change, keyColumns: keyColumns, columns: columns, cells: cells))
        }

        return ContributionView(
            org: org, name: directory.name(org), province: directory.province(org), tip: shown.tip.hex,
            state: session.note(shown.tip)?.state.rawValue ?? "new", date: iso(tipInfo.time), files: files,
            findings: shown.diagnostics, activity: try activity(session, org: org, tip: shown.tip, pending: Set(pending)), allColumns: allColumns)
    }

    /// For each record file of the diff: row key → field → the author and date of the last commit of the
    /// contribution that changed that cell.
    static func attribution(_ git: Repository, commits: [ObjectID], diff: SemanticDiff, package: DataPackage?) throws -> [String: [String: [String: (name: String, date: String)]]] {
        var out: [String: [String: [String: (name: String, date: String)]]] = [:]
        let paths = diff.files.filter { $0.rows != nil }.map(\.path)
        guard !paths.isEmpty else { return out }
        for id in commits.reversed() {  // oldest first: a later commit overwrites
            let info = try git.commit(id)
            let parentTree = try info.parents.first.map { try git.commit($0).tree }
            for path in paths {
                let old = try parentTree.flatMap { try git.blobID(at: path, inTree: $0) }
                let new = try git.blobID(at: path, inTree: info.tree)
                guard old != new else { continue }
                guard let change = SemanticDiff.fileChange(path: path, old: try old.map { try git.readBlob($0) },
                                                           new: try new.map { try git.readBlob($0) }, package: package) else { continue }
                for row in change.rows ?? [] {
                    for cell in row.cells { out[path, default: [:]][row.key, default: [:]][cell.field] = (info.authorName, iso(info.time)) }
                }
            }
        }
        return out
    }

    /// The line each row starts on in the new file, by key (where outlier findings point).
    static func rowLines(_ bytes: [UInt8]?, keyColumns: [String]) -> [String: Int] {
        guard let bytes else { return [:] }
        let table = CSV.parse(bytes)
        let indices = keyColumns.compactMap { table.header.firstIndex(of: $0) }
        guard indices.count == keyColumns.count else { return [:] }
        var out: [String: Int] = [:]
        for row in table.rows {
            let key = indices.map { $0 < row.fields.count ? row.fields[$0] : "" }.joined(separator: "|")
            if out[key] == nil { out[key] = row.line }
        }
        return out
    }

    /// Every commit of the branch not yet in `main` and every note on the branch's recent commits, newest first.
    static func activity(_ session: CentralSession, org: String, tip: ObjectID, pending: Set<ObjectID>) throws -> [Activity] {
        var out: [Activity] = []
        for id in try session.git.log(from: tip).prefix(activityCommits) {
            if pending.contains(id) {
                let info = try session.git.commit(id)
                out.append(Activity(at: iso(info.time), who: info.authorName, commit: id.hex, state: nil,
                                    text: String(info.message.split(separator: "\n").first ?? "")))
            }
            // Notes on commits of main's history that another municipality made are theirs, not this branch's.
            if let note = session.note(id), try pending.contains(id) || touches(session.git, id, folder: "municipalities/\(org)") {
                out.append(Activity(at: note.at, who: note.reviewer, commit: id.hex, state: note.state.rawValue, text: note.reason))
            }
        }
        return out.sorted { $0.at > $1.at }
    }

    /// True when the commit changed something under `folder` against its first parent.
    static func touches(_ git: Repository, _ id: ObjectID, folder: String) throws -> Bool {
        let info = try git.commit(id)
        let mine = try git.treeEntries(info.tree, under: folder)
        guard let parent = info.parents.first else { return !mine.isEmpty }
        return try git.treeEntries(try git.commit(parent).tree, under: folder) != mine
    }

    static func iso(_ time: Int64) -> String { Timestamp.iso8601(time) }
}

/// One cell's values over the periods of its dataset, from the municipality's files in the contribution's
/// tree (the earlier periods are the accepted data the branch forked from, or later edits of them).
struct SeriesReader {
    let git: Repository
    let tree: ObjectID
    let org: String
    let dataset: String
    let schema: TableSchema
    let periods: [(text: String, path: String)]
    let current: String
    private let tables = TableCache()

    final class TableCache { var tables: [String: RecordTable?] = [:] }

    init(git: Repository, tree: ObjectID, org: String, dataset: String, schema: TableSchema, upTo current: String) {
        self.git = git
        self.tree = tree
        self.org = org
        self.dataset = dataset
        self.schema = schema
        self.current = current
        let folder = RepositoryPath.folder(of: org) + "/data/\(dataset)"
        let entries = (try? git.treeEntries(tree, under: folder)) ?? [:]
        let now = Period(current)
        let all = entries.keys.compactMap { path -> (Period, String, String)? in
            guard case .record(_, _, let text) = RepositoryPath(path), let p = Period(text), now.map({ p <= $0 }) ?? true else { return nil }
            return (p, text, path)
        }.sorted { $0.0 < $1.0 }
        periods = all.suffix(ContributionReading.chartPeriods).map { ($0.1, $0.2) }
    }

    func chart(key: String, field: String, finding: String?) -> SeriesChart? {
        guard periods.count >= 1 else { return nil }
        let recordKey = RecordKey(key.split(separator: "|", omittingEmptySubsequences: false).map(String.init))
        let points = periods.map { p in
            SeriesChart.Point(label: p.text, value: table(p.path)?.rows[recordKey]?[field].flatMap { Double($0) })
        }
        return SeriesChart(points: points, marked: periods.firstIndex { $0.text == current }, finding: finding,
                           title: "\(field) \(key.replacingOccurrences(of: "|", with: " ")): \(periods.first!.text)–\(periods.last!.text)")
    }

    private func table(_ path: String) -> RecordTable? {
        if let cached = tables.tables[path] { return cached }
        let t = ((try? git.blobID(at: path, inTree: tree)) ?? nil).flatMap { try? git.readBlob($0) }.flatMap { RecordTable(bytes: $0, schema: schema) }
        tables.tables[path] = t
        return t
    }
}
