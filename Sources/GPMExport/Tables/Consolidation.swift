import GPMCore
import GPMSync

/// The accepted tables of every municipality in a snapshot of central `main`, consolidated per dataset and
/// period (the org unit and the period become columns), with the province totals added.
public struct Consolidation {
    public let package: DataPackage
    public let source: FileSource
    public let orgUnits: OrgUnits
    public let codeLists: CodeLists
    /// The record files: dataset → period → (org unit, path), periods in time order, org units sorted.
    public let files: [(layout: TableLayout, periods: [(period: String, files: [(org: String, path: String)])])]

    /// Reads the snapshot's datapackage.json, code lists and file list. `since`: only periods that begin on
    /// or after it.
    public init(source: FileSource, since: Period? = nil) throws(GPMError) {
        guard let bytes = source.bytes(at: "datapackage.json") else {
            throw GPMError(.usage, en: "central main has no datapackage.json", tr: "ana veride datapackage.json yok")
        }
        do { package = try DataPackage(json: bytes) } catch {
            throw GPMError(.usage, en: "datapackage.json on central main cannot be read: \(error.message)",
                              tr: "ana verideki datapackage.json okunamadı: \(error.message)")
        }
        self.source = source
        codeLists = CodeLists(package: package, source: source)
        orgUnits = OrgUnits(package: package, source: source)
        var byDataset: [String: [String: [(org: String, path: String)]]] = [:]
        for entry in source.files() where !entry.isSymlink {
            guard case .record(let org, let dataset, let period) = RepositoryPath(entry.path),
                  let p = Period(period), since.map({ !(p < $0) }) ?? true else { continue }
            byDataset[dataset, default: [:]][period, default: []].append((org, entry.path))
        }
        let codeLists = codeLists
        files = package.datasets.map { dataset in
            let periods = (byDataset[dataset.name] ?? [:])
                .filter { Period($0.key)?.type == dataset.periodType }
                .map { (period: $0.key, files: $0.value.sorted { $0.org < $1.org }) }
                .sorted { Period($0.period)! < Period($1.period)! }
            return (TableLayout(dataset: dataset, codeLists: codeLists), periods)
        }
    }

    /// One period's table: every municipality's file, then the province totals.
    public func table(_ layout: TableLayout, period: String, files: [(org: String, path: String)]) -> PeriodTable {
        var table = PeriodTable(layout: layout, period: period)
        table.setMetropolitan(orgUnits.metropolitan)
        for f in files {
            guard let bytes = source.bytes(at: f.path) else { continue }
            table.add(org: f.org, province: orgUnits.provinceOf(f.org), bytes: bytes)
        }
        table.addProvinceTotals()
        return table
    }
}
