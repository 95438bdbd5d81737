import GPMPages
import GPMSync

/// The queue as `review list` computes it, with names and provinces for the page.
enum QueueReading {
    static func items(_ session: CentralSession, reviewer: String) throws -> (items: [QueueItem], provinces: [(plate: String, name: String)]) {
        let directory = OrgUnitDirectory(session)
        let items = try Review(session: session, reviewer: reviewer).list().map { p in
            QueueItem(org: p.org, name: directory.name(p.org), province: directory.province(p.org), provincePlate: directory.plate(p.org),
                      tip: p.tip, date: p.date, state: p.state, periods: p.periods, rowsAdded: p.rowsAdded, rowsRemoved: p.rowsRemoved,
                      rowsChanged: p.rowsChanged, errors: p.errors, warnings: p.warnings)
        }
        return (items, directory.provinces)
    }
}
