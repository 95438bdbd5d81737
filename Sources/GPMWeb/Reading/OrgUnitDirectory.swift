import GPMCore
import GPMSync
import Git

/// Names and provinces of the org units, from `codelists/org_units.csv` on central `main`
/// (`code,name,province_plate,province_name,…`).
struct OrgUnitDirectory {
    struct Unit { var name: String; var plate: String; var province: String }
    var units: [String: Unit] = [:]

    init(_ session: CentralSession) {
        guard let main = session.main, let tree = try? session.git.commit(main).tree,
              let id = (try? session.git.blobID(at: "codelists/org_units.csv", inTree: tree)) ?? nil,
              let bytes = try? session.git.readBlob(id) else { return }
        let table = CSV.parse(bytes)
        let col = { (name: String) in table.header.firstIndex(of: name) }
        guard let code = col("code") else { return }
        let name = col("name"), plate = col("province_plate"), province = col("province_name")
        for row in table.rows where row.fields.count > code {
            func f(_ i: Int?) -> String { i.flatMap { $0 < row.fields.count ? row.fields[$0] : nil } ?? "" }
            units[row.fields[code]] = Unit(name: f(name), plate: f(plate), province: f(province))
        }
    }

    func name(_ org: String) -> String { units[org].map { $0.name.isEmpty ? org : $0.name } ?? org }
    /// The province's plate: from the code list, else the org unit's own prefix (`34-kadikoy`).
    func plate(_ org: String) -> String { units[org]?.plate ?? String(org.prefix { $0.isNumber }) }
    func province(_ org: String) -> String { units[org]?.province ?? plate(org) }

    /// The provinces that have units, by plate.
    var provinces: [(plate: String, name: String)] {
        var seen: [String: String] = [:]
        for u in units.values where !u.plate.isEmpty { seen[u.plate] = u.province }
        return seen.map { ($0.key, $0.value) }.sorted { (Int($0.0) ?? 0) < (Int($1.0) ?? 0) }
    }
}
