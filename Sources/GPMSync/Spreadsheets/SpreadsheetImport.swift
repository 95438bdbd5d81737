import Foundation
import GPMCore
import GPMSpreadsheets

/// `gpmsync import` and `gpmsync template`, and the daemon page's Convert button: a spreadsheet's file
/// converted to the canonical CSV at its place in the clone's layout, and an empty table for a period.
public enum SpreadsheetImport {
    public struct Outcome: Sendable {
        /// The file written, relative to the repository root.
        public var destination: String
        public var rows: Int
        public var notes: [Message]
        /// The written table's validation findings (errors and warnings).
        public var diagnostics: [Diagnostic]
        /// The values that could not be converted, each with its cell: when there are any, nothing was written.
        public var problems: [Message]
        public var written: Bool { problems.isEmpty }
    }

    /// Converts `file` (a `;`/Windows-1254/CRLF/decimal-comma CSV, a canonical CSV or an `.xlsx` workbook)
    /// into the canonical CSV at `to`, or where its name or place says (`residents-2025Q1.xlsx`, or the
    /// layout path it already has). When a value cannot be converted nothing is written and the outcome lists
    /// every such value (`problems`); a different existing file is replaced only with `replace`.
    public static func importFile(_ repo: DataRepository, file: String, to: String?, replace: Bool = false,
                                  workingDirectory: String = FileManager.default.currentDirectoryPath) throws(GPMError) -> Outcome {
        let source = absolute(file, from: workingDirectory)
        let tree = DirectorySource(root: repo.root)
        guard let package = tree.dataPackage else {
            throw GPMError(.usage, en: "the clone's datapackage.json cannot be read", tr: "kopyanın datapackage.json dosyası okunamıyor")
        }
        let destination = try place(of: source, to: to.map { absolute($0, from: workingDirectory) }, repo: repo, package: package)
        guard case .record(_, let datasetName, _) = RepositoryPath(destination), let dataset = package.dataset(named: datasetName) else {
            throw GPMError(.usage, en: "\(destination) is not a table of the layout", tr: "\(destination) düzende bir tablo değil")
        }
        let target = repo.root + "/" + destination
        if !replace, target != source, FileManager.default.fileExists(atPath: target) {
            throw GPMError(.invalid, en: "\(destination) exists already; nothing was written (--replace replaces it)",
                           tr: "\(destination) dosyası zaten var; hiçbir şey yazılmadı (--replace onu değiştirir)")
        }
        let sheet = try read(source, dataset: dataset)
        let converted = TableImport.convert(sheet, dataset: dataset)
        guard let csv = converted.csv else {
            return Outcome(destination: destination, rows: 0, notes: converted.notes, diagnostics: [],
                           problems: converted.problems.map(\.message))
        }
        do { try AtomicFile.write(csv, to: destination, inWorkingTree: repo.root) } catch {
            throw GPMError(.usage, en: "\(destination) cannot be written (\(error))", tr: "\(destination) dosyası yazılamıyor (\(error))")
        }
        let diagnostics = repo.workingTreeValidator().validate(paths: [destination])
        return Outcome(destination: destination, rows: converted.rows, notes: converted.notes, diagnostics: diagnostics, problems: [])
    }

    /// The sheet of a file: a workbook's table sheet, or a delimited file read by its dialect.
    static func read(_ path: String, dataset: Dataset) throws(GPMError) -> Sheet {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw GPMError(.usage, en: "\(path) is not a file", tr: "\(path) bir dosya değil")
        }
        guard Int(st.st_size) <= Validator.maximumFileSize else {
            throw GPMError(.invalid, en: "\(path) is \(st.st_size) bytes; the limit is 10 MiB", tr: "\(path) \(st.st_size) bayt; sınır 10 MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GPMError(.usage, en: "\(path) cannot be read", tr: "\(path) okunamıyor")
        }
        let name = (path as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension.lowercased()
        func refused(_ p: ImportProblem) -> GPMError {
            GPMError(.invalid, en: "\(name) was not converted; nothing was written: \(p.message.en)", tr: "\(name) dosyası dönüştürülmedi; hiçbir şey yazılmadı: \(p.message.tr)")
        }
        switch ext {
        case "xlsx", "xlsm":
            let book: XLSXReader.Workbook
            do { book = try XLSXReader.read(data) } catch { throw refused(error) }
            let visible = book.sheets.filter { !$0.hidden }.map(\.sheet)
            guard let chosen = visible.first(where: { $0.name == dataset.name }) ?? visible.first else {
                throw refused(ImportProblem(Message(en: "the workbook has no visible sheet", tr: "çalışma kitabında görünür sayfa yok")))
            }
            let others = visible.filter { $0.name != chosen.name && $0.rows.contains { $0.contains { !$0.isEmpty } } }
            if !others.isEmpty {
                let names = others.map { "'\($0.name)'" }.joined(separator: ", ")
                throw refused(ImportProblem(Message(
                    en: "besides '\(chosen.name)', the sheets \(names) hold data too, which one file cannot take; keep the table alone or name its sheet '\(dataset.name)'",
                    tr: "'\(chosen.name)' dışında \(names) sayfalarında da veri var, tek dosya bunları alamaz; tabloyu tek bırakın ya da sayfasını '\(dataset.name)' olarak adlandırın")))
            }
            return chosen
        case "xls", "ods", "numbers":
            throw refused(ImportProblem(Message(en: "a .\(ext) file cannot be read; save it as .xlsx or CSV", tr: ".\(ext) dosyası okunamıyor; .xlsx ya da CSV olarak kaydedin")))
        default:
            let bytes = [UInt8](data)
            if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                throw refused(ImportProblem(Message(en: "this is a ZIP file (a workbook?); name it .xlsx", tr: "bu bir ZIP dosyası (çalışma kitabı mı?); uzantısını .xlsx yapın")))
            }
            if bytes.contains(0) {
                throw refused(ImportProblem(Message(en: "the file holds NUL bytes: it is not a text file", tr: "dosya NUL baytları içeriyor: metin dosyası değil")))
            }
            switch Sheet.delimited(bytes, name: name) {
            case .success(let s): return s
            case .failure(let p): throw refused(p)
            }
        }
    }

    /// Where a converted file goes: `to`, else the layout path the source has (its extension made `.csv`),
    /// else what its name says (`<dataset>-<period>`, or `<period>` in a folder named for the dataset),
    /// always in this clone's own folder.
    static func place(of source: String, to: String?, repo: DataRepository, package: DataPackage) throws(GPMError) -> String {
        guard let org = repo.orgUnit else {
            throw GPMError(.usage, en: "this clone has no gpmsync.orgUnit", tr: "bu kopyada gpmsync.orgUnit tanımlı değil")
        }
        let own = RepositoryPath.folder(of: org) + "/data/"
        func inTree(_ path: String) -> String? {
            let root = repo.root + "/"
            return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : nil
        }
        if let to {
            guard let relative = inTree(to), case .record(let o, _, _) = RepositoryPath(relative), o == org else {
                throw GPMError(.usage, en: "--to must name a table in this clone's folder, like \(own)residents/2025Q1.csv",
                               tr: "--to bu kopyanın klasöründe bir tabloyu göstermeli, örneğin \(own)residents/2025Q1.csv")
            }
            return relative
        }
        if let relative = inTree(source) {
            let csv = (relative as NSString).deletingPathExtension + ".csv"
            if case .record(let o, _, _) = RepositoryPath(csv), o == org { return csv }
        }
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        let folder = ((source as NSString).deletingLastPathComponent as NSString).lastPathComponent
        for dataset in package.datasets {
            var period: String?
            if stem.hasPrefix(dataset.name), let sep = stem.dropFirst(dataset.name.count).first, "-_ .".contains(sep) {
                period = String(stem.dropFirst(dataset.name.count + 1))
            } else if folder == dataset.name {
                period = stem
            }
            if let period, let p = Period(period), p.type == dataset.periodType {
                return own + "\(dataset.name)/\(period).csv"
            }
        }
        throw GPMError(.usage, en: "cannot tell from its name which table \((source as NSString).lastPathComponent) is; say it with --to \(own)DATASET/PERIOD.csv, or name the file like residents-2025Q1.xlsx",
                       tr: "\((source as NSString).lastPathComponent) dosyasının hangi tablo olduğu adından anlaşılamıyor; --to \(own)VERİKÜMESİ/DÖNEM.csv ile belirtin ya da dosyayı residents-2025Q1.xlsx gibi adlandırın")
    }

    static func absolute(_ path: String, from directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        return (joined as NSString).standardizingPath
    }

    static func display(_ path: String, _ repo: DataRepository) -> String {
        path.hasPrefix(repo.root + "/") ? String(path.dropFirst(repo.root.count + 1)) : path
    }

    /// `gpmsync template`: the empty table of `period` for `datasetName`, written as CSV at its place in the
    /// layout (or `out`), or as an `.xlsx` workbook with drop-down lists (`<dataset>-<period>.xlsx` in the
    /// current folder, or `out`). Never replaces a file. Returns the path written and how many rows it has.
    public static func template(_ repo: DataRepository, dataset datasetName: String, period periodText: String, xlsx: Bool,
                                out: String?, workingDirectory: String = FileManager.default.currentDirectoryPath) throws(GPMError) -> (path: String, rows: Int) {
        let tree = DirectorySource(root: repo.root)
        guard let package = tree.dataPackage else {
            throw GPMError(.usage, en: "the clone's datapackage.json cannot be read", tr: "kopyanın datapackage.json dosyası okunamıyor")
        }
        guard let dataset = package.dataset(named: datasetName) else {
            throw GPMError(.usage, en: "no dataset named '\(datasetName)' in datapackage.json (there are: \(package.datasets.map(\.name).joined(separator: ", ")))",
                           tr: "datapackage.json içinde '\(datasetName)' adlı veri kümesi yok (olanlar: \(package.datasets.map(\.name).joined(separator: ", ")))")
        }
        guard let period = Period(periodText), period.type == dataset.periodType else {
            throw GPMError(.usage, en: "'\(periodText)' is not a \(dataset.periodType.rawValue) period of \(dataset.name) (like 2025Q1 or 2025-03)",
                           tr: "'\(periodText)', \(dataset.name) için \(dataset.periodType.rawValue) türünde bir dönem değil (2025Q1 veya 2025-03 gibi)")
        }
        guard let org = repo.orgUnit else {
            throw GPMError(.usage, en: "this clone has no gpmsync.orgUnit", tr: "bu kopyada gpmsync.orgUnit tanımlı değil")
        }
        var earlier: [[UInt8]] = []
        var p = period
        for _ in 0..<12 {
            p = p.previous
            if let path = RepositoryPath.record(orgUnit: org, dataset: dataset.name, period: "\(p)").path, let bytes = tree.bytes(at: path) { earlier.append(bytes) }
        }
        let template = PeriodTemplate(dataset: dataset, earlier: earlier, codes: PeriodTemplate.codes(of: dataset, package: package, source: tree))
        let layoutPath = RepositoryPath.record(orgUnit: org, dataset: dataset.name, period: periodText).path!
        let target = out.map { absolute($0, from: workingDirectory) }
            ?? (xlsx ? absolute("\(dataset.name)-\(periodText).xlsx", from: workingDirectory) : repo.root + "/" + layoutPath)
        guard !FileManager.default.fileExists(atPath: target) else {
            throw GPMError(.invalid, en: "\(display(target, repo)) exists already; nothing was written", tr: "\(display(target, repo)) dosyası zaten var; hiçbir şey yazılmadı")
        }
        let bytes: [UInt8]
        do {
            if xlsx { bytes = [UInt8](try template.xlsx()) } else { bytes = template.csv() }
        } catch {
            throw GPMError(.usage, en: "the workbook could not be made (\(error))", tr: "çalışma kitabı oluşturulamadı (\(error))")
        }
        do {
            if target.hasPrefix(repo.root + "/") { try AtomicFile.write(bytes, to: display(target, repo), inWorkingTree: repo.root) }
            else { try AtomicFile.write(bytes, to: target) }
        } catch {
            throw GPMError(.usage, en: "\(target) cannot be written (\(error))", tr: "\(target) yazılamıyor (\(error))")
        }
        return (display(target, repo), template.keys.count)
    }
}
