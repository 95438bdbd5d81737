import GPMCore

/// One contribution in the queue.
public struct QueueItem: Sendable {
    public var org: String
    public var name: String
    public var province: String
    public var provincePlate: String
    public var tip: String
    public var date: String
    public var state: String
    public var periods: [String]
    public var rowsAdded: Int
    public var rowsRemoved: Int
    public var rowsChanged: Int
    public var errors: Int
    public var warnings: Int
    public init(org: String, name: String, province: String, provincePlate: String, tip: String, date: String, state: String,
                periods: [String], rowsAdded: Int, rowsRemoved: Int, rowsChanged: Int, errors: Int, warnings: Int) {
        self.org = org; self.name = name; self.province = province; self.provincePlate = provincePlate; self.tip = tip
        self.date = date; self.state = state; self.periods = periods; self.rowsAdded = rowsAdded; self.rowsRemoved = rowsRemoved
        self.rowsChanged = rowsChanged; self.errors = errors; self.warnings = warnings
    }
}

/// The queue: every contribution waiting in its branch, oldest first, filtered by state and province.
public enum QueuePage {
    public static func render(_ c: PageContext, items: [QueueItem], provinces: [(plate: String, name: String)],
                              state: String, province: String, flash: Flash? = nil) -> HTML {
        let w = c.words
        let shown = items.filter { (state.isEmpty || $0.state == state) && (province.isEmpty || $0.provincePlate == province) }
            .sorted { ($0.date, $0.org) < ($1.date, $1.org) }
        let stateOptions: [HTML] = [option("", w("all states", "tüm durumlar"), state)] + Words.states.map { option($0, w.state($0), state) }
        let provinceOptions: [HTML] = [option("", w("all provinces", "tüm iller"), province)] + provinces.map { option($0.plate, "\($0.plate) \($0.name)", province) }
        let rows: [HTML] = shown.map { i -> HTML in """
            <tr data-org="\(i.org)"><td>\(Layout.chip(i.state, w))</td><td><a href="/contributions/\(percentEncode(i.org))">\(i.name)</a><span class="who">\(i.org)</span></td>
            <td>\(i.province)</td><td>\(i.periods.joined(separator: ", "))</td>
            <td class="num">+\(i.rowsAdded) −\(i.rowsRemoved) ~\(i.rowsChanged)</td><td class="num">\(i.errors)</td><td class="num">\(i.warnings)</td>
            <td class="meta">\(Layout.when(i.date))</td></tr>
            """ }
        let table: HTML = shown.isEmpty
            ? "<p class=\"muted\">\(w("Nothing waits for review.", "İncelemeyi bekleyen katkı yok."))</p>"
            : """
              <table class="queue"><thead><tr><th>\(w("State", "Durum"))</th><th>\(w("Municipality", "Belediye"))</th><th>\(w("Province", "İl"))</th>
              <th>\(w("Periods", "Dönemler"))</th><th>\(w("Records added, removed, changed", "Eklenen, silinen, değişen kayıtlar"))</th>
              <th>\(w("Errors", "Hatalar"))</th><th>\(w("Warnings", "Uyarılar"))</th><th>\(w("Submitted", "Gönderim"))</th></tr></thead>
              <tbody>\(rows)</tbody></table>
              """
        let body: HTML = """
            <form class="filters" method="get" action="/queue">
            <label>\(w("State", "Durum"))<select name="state">\(stateOptions)</select></label>
            <label>\(w("Province", "İl"))<select name="province">\(provinceOptions)</select></label>
            <button type="submit">\(w("Filter", "Süz"))</button></form>
            <p class="meta">\(w("\(shown.count) of \(items.count) contributions, oldest first", "\(items.count) katkıdan \(shown.count) tanesi, en eskisi önce"))</p>
            \(table)
            """
        return Layout.page(c, title: w("Contributions", "Katkılar"), active: "queue", flash: flash, body)
    }

    static func option(_ value: String, _ label: String, _ selected: String) -> HTML {
        "<option value=\"\(value)\"\(value == selected ? HTML(trusted: " selected") : "")>\(label)</option>"
    }
}
