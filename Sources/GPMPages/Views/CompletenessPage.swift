import Foundation
import GPMCharts

/// The completeness matrix: per dataset, municipality × period, with DHIS2's reporting-rate figures.
public struct CompletenessView: Sendable {
    public struct Cell: Sendable {
        public var received: Bool
        public var approved: Bool
        public var onTime: Bool
        public init(received: Bool, approved: Bool, onTime: Bool) { self.received = received; self.approved = approved; self.onTime = onTime }
        public var state: HeatMap.State { !received ? .missing : !onTime ? .late : approved ? .approved : .submitted }
    }
    public struct Row: Sendable {
        public var org: String, name: String, plate: String, province: String
        public var cells: [Cell]
        public init(org: String, name: String, plate: String, province: String, cells: [Cell]) {
            self.org = org; self.name = name; self.plate = plate; self.province = province; self.cells = cells
        }
    }
    public struct Dataset: Sendable {
        public var name: String
        public var periods: [String]
        public var rows: [Row]
        public init(name: String, periods: [String], rows: [Row]) { self.name = name; self.periods = periods; self.rows = rows }
    }
    public var timelyDays: Int
    public var datasets: [Dataset]
    public init(timelyDays: Int, datasets: [Dataset]) { self.timelyDays = timelyDays; self.datasets = datasets }

    /// Expected, received (actual), approved and on-time reports over some rows.
    public struct Figures: Sendable, Equatable {
        public var expected = 0, received = 0, approved = 0, onTime = 0
        public func rate(_ n: Int) -> String { expected == 0 ? "–" : String(format: "%.1f %%", Double(n) * 100 / Double(expected)) }
    }

    public static func figures(_ rows: [Row]) -> Figures {
        var f = Figures()
        for r in rows {
            for c in r.cells {
                f.expected += 1
                if c.received { f.received += 1 }
                if c.approved { f.approved += 1 }
                if c.onTime { f.onTime += 1 }
            }
        }
        return f
    }
}

public enum CompletenessPage {
    public static func render(_ c: PageContext, _ v: CompletenessView) -> HTML {
        let w = c.words
        var body: HTML = """
            <p class="meta">\(w("Expected = assigned municipalities × ended periods; reporting rate = received ÷ expected; on time = received within \(v.timelyDays) days after the period ended (gpmsync.timelyDays), as DHIS2 defines them.",
                               "Beklenen = atanmış belediyeler × biten dönemler; raporlama oranı = alınan ÷ beklenen; zamanında = dönem bittikten sonra \(v.timelyDays) gün içinde alınan (gpmsync.timelyDays), DHIS2 tanımlarıyla."))</p>
            <p class="legend">\(HeatMap.State.allCases.map { s in "<span><i class=\"\(s.rawValue)\"></i>\(label(s, w))</span>" as HTML })</p>
            """
        for d in v.datasets {
            body += "<section class=\"dataset\" data-dataset=\"\(d.name)\"><h2>\(d.name)</h2>"
            guard !d.periods.isEmpty, !d.rows.isEmpty else {
                body += "<p class=\"muted\">\(w("No period has been reported yet.", "Henüz hiçbir dönem raporlanmadı."))</p></section>"
                continue
            }
            let map = HeatMap(rows: d.rows.map(\.name), columns: d.periods, cells: d.rows.map { $0.cells.map(\.state) },
                              title: w("\(d.name): municipality × period", "\(d.name): belediye × dönem"))
            body += "<div class=\"heat\">\(HTML(trusted: map.svg()))</div>"
            var provinces: [(String, String)] = []
            for r in d.rows where !provinces.contains(where: { $0.0 == r.plate }) { provinces.append((r.plate, r.province)) }
            var lines: [(String, CompletenessView.Figures)] = provinces.map { p in (p.1, CompletenessView.figures(d.rows.filter { $0.plate == p.0 })) }
            lines.append((w("Whole union", "Birliğin tümü"), CompletenessView.figures(d.rows)))
            let trs: [HTML] = lines.map { l -> HTML in """
                <tr><td>\(l.0)</td><td class="num">\(l.1.expected)</td><td class="num">\(l.1.received)</td><td class="num">\(l.1.approved)</td><td class="num">\(l.1.onTime)</td>
                <td class="num">\(l.1.rate(l.1.received))</td><td class="num">\(l.1.rate(l.1.onTime))</td></tr>
                """ }
            body += """
                <table class="rates"><thead><tr><th>\(w("Province", "İl"))</th><th>\(w("Expected", "Beklenen"))</th><th>\(w("Received", "Alınan"))</th>
                <th>\(w("Approved", "Onaylanan"))</th><th>\(w("On time", "Zamanında"))</th><th>\(w("Reporting rate", "Raporlama oranı"))</th>
                <th>\(w("Reporting rate on time", "Zamanında raporlama oranı"))</th></tr></thead><tbody>\(trs)</tbody></table></section>
                """
        }
        if v.datasets.isEmpty { body += "<p class=\"muted\">\(w("No dataset on main.", "Ana veride veri kümesi yok."))</p>" }
        return Layout.page(c, title: w("Completeness", "Eksiksizlik"), active: "completeness", body)
    }

    static func label(_ s: HeatMap.State, _ w: Words) -> String {
        switch s {
        case .approved: return w("approved", "onaylandı")
        case .submitted: return w("submitted, waiting", "gönderildi, bekliyor")
        case .late: return w("late", "geç")
        case .missing: return w("missing", "eksik")
        }
    }
}
