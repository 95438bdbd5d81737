import Foundation
import GPMCharts
import GPMCore
import GPMPages
import GPMSync
import Git

/// DHIS2's reporting rates over the central repository. Expected: the units assigned to report (the org
/// units of access.csv's municipality users) × the periods that have ended, from the first period any of
/// them reported through the last ended one (at most `maximumPeriods`). Received: a file for the (unit,
/// period) on `main` or on the unit's contribution branch. Approved: on `main`. On time: the branch first
/// held the file within `gpmsync.timelyDays` days (default 15) after the period ended.
enum CompletenessReading {
    static let maximumPeriods = 12
    static let defaultTimelyDays = 15
    /// How many commits of a branch are read to find when each file first came.
    static let maximumCommits = 5000

    static func view(_ session: CentralSession, now: Date = Date()) throws -> CompletenessView {
        let git = session.git
        guard let main = session.main else { return CompletenessView(timelyDays: defaultTimelyDays, datasets: []) }
        let mainTree = try git.commit(main).tree
        let source = try TreeSource(repository: git, tree: mainTree)
        let directory = OrgUnitDirectory(session)
        let access = try session.access()
        let units = Set(access.entries.values.filter { $0.role == .municipality }.compactMap(\.orgUnit)).sorted()
        let timely = (try? git.config().string("gpmsync.timelyDays")).flatMap { Int($0) }.map { max(0, min($0, 3650)) } ?? defaultTimelyDays
        let branches = Dictionary(try session.contributions().map { ($0.org, $0.tip) }, uniquingKeysWith: { a, _ in a })

        // Per unit: every record path on main or its branch, and when the branch first held it.
        var onMain: [String: Set<String>] = [:], onBranch: [String: Set<String>] = [:], firstSeen: [String: [String: Int64]] = [:]
        for unit in units {
            let folder = "municipalities/\(unit)/data"
            onMain[unit] = Set(try git.treeEntries(mainTree, under: folder).keys)
            guard let tip = branches[unit] else { continue }
            onBranch[unit] = Set(try git.treeEntries(try git.commit(tip).tree, under: folder).keys)
            var seen: [String: Int64] = [:]
            for id in try git.log(from: tip).prefix(maximumCommits).reversed() {
                let info = try git.commit(id)
                for path in try git.treeEntries(info.tree, under: folder).keys where seen[path] == nil { seen[path] = info.time }
            }
            firstSeen[unit] = seen
        }

        var datasets: [CompletenessView.Dataset] = []
        for dataset in source.dataPackage?.datasets ?? [] {
            var reported: [Period] = []
            for unit in units {
                for path in (onMain[unit] ?? []).union(onBranch[unit] ?? []) {
                    if case .record(_, let d, let p) = RepositoryPath(path), d == dataset.name, let period = Period(p) { reported.append(period) }
                }
            }
            let lastEnded = currentPeriod(dataset.periodType, now: now).previous
            var periods: [Period] = []
            if let earliest = reported.min() {
                var p = lastEnded
                while p >= earliest && periods.count < maximumPeriods { periods.insert(p, at: 0); p = p.previous }
            }
            var rows: [CompletenessView.Row] = []
            for unit in units {
                var cells: [CompletenessView.Cell] = []
                for period in periods {
                    let path = "municipalities/\(unit)/data/\(dataset.name)/\(period).csv"
                    let approved = onMain[unit]?.contains(path) ?? false
                    let received = approved || (onBranch[unit]?.contains(path) ?? false)
                    let deadline = end(of: period).addingTimeInterval(TimeInterval(timely) * 86_400)
                    let onTime = received && (firstSeen[unit]?[path].map { Date(timeIntervalSince1970: TimeInterval($0)) <= deadline } ?? false)
                    cells.append(.init(received: received, approved: approved, onTime: onTime))
                }
                rows.append(.init(org: unit, name: directory.name(unit), plate: directory.plate(unit), province: directory.province(unit), cells: cells))
            }
            datasets.append(.init(name: dataset.name, periods: periods.map(\.description), rows: rows))
        }
        return CompletenessView(timelyDays: timely, datasets: datasets)
    }

    static func currentPeriod(_ type: PeriodType, now: Date) -> Period {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month], from: now)
        let y = c.year!, m = c.month!
        switch type {
        case .year: return Period("\(y)")!
        case .quarter: return Period("\(y)Q\((m - 1) / 3 + 1)")!
        case .month: return Period("\(y)-\(m < 10 ? "0" : "")\(m)")!
        }
    }

    /// The first moment after the period (UTC).
    static func end(of p: Period) -> Date {
        let months = p.type == .year ? 12 : p.type == .quarter ? 3 : 1
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: p.year, month: p.firstMonth, day: 1))!
        return calendar.date(byAdding: .month, value: months, to: start)!
    }
}
