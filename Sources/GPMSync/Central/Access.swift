import GPMCore

/// `access.csv`: who may push what.
public struct AccessList: Sendable {
    public enum Role: String, Sendable { case municipality, reviewer, admin }

    public struct Entry: Sendable {
        public var user: String
        public var role: Role
        public var orgUnit: String?
    }

    public var entries: [String: Entry]

    public init(bytes: [UInt8]) {
        let table = CSV.parse(bytes)
        let u = table.header.firstIndex(of: "user"), r = table.header.firstIndex(of: "role"), o = table.header.firstIndex(of: "org_unit")
        var entries: [String: Entry] = [:]
        if let u, let r {
            for row in table.rows where row.fields.count > max(u, r) {
                guard let role = Role(rawValue: row.fields[r]) else { continue }
                let org = o.flatMap { $0 < row.fields.count ? row.fields[$0] : nil }
                entries[row.fields[u]] = Entry(user: row.fields[u], role: role, orgUnit: org?.isEmpty == false ? org : nil)
            }
        }
        self.entries = entries
    }

    public subscript(user: String) -> Entry? { entries[user] }
}
