import Foundation
import GPMCore
import Git

/// `gpmsync resolve`: settles the recorded conflicts of one file and commits the result.
public enum Resolution {
    public enum Choice: Sendable {
        case ours, theirs
        /// `KEY=VALUE`: the conflict whose key (or `KEY/field`) matches gets VALUE.
        case value(key: String, value: String)
    }

    /// Returns how many conflicts were settled. Every choice is applied to the file as it is now, or the
    /// whole resolution is refused with the reason (and nothing is written): a conflict is never reported
    /// settled while the file does not show the choice.
    @discardableResult
    public static func resolve(_ repo: DataRepository, path: String, choice: Choice) throws -> Int {
        try Locks.withExclusive(repo) {
            let store = ConflictStore(repository: repo)
            let all = store.load()
            let mine = all.filter { $0.path == path }
            guard !mine.isEmpty else {
                throw GPMError(.usage, en: "no recorded conflict in \(path)", tr: "\(path) için kayıtlı çakışma yok")
            }
            let disk = DirectorySource(root: repo.root)
            if disk.entry(at: path)?.isSymlink == true {
                throw GPMError(.invalid, en: "\(path) is a symlink; gpmsync does not write through it",
                               tr: "\(path) bir sembolik bağ; gpmsync onun üzerinden yazmaz")
            }
            var bytes = disk.bytes(at: path)
            var settled: [RecordedConflict] = []
            let package = disk.dataPackage
            for c in mine {
                let value: String??
                switch choice {
                case .ours: value = .some(c.ours)
                case .theirs: value = .some(c.theirs)
                case .value(let key, let v):
                    let target = c.field.isEmpty ? c.key : "\(c.key)/\(c.field)"
                    value = key == target || (key == c.key && mine.filter { $0.key == c.key }.count == 1) ? .some(v) : nil
                }
                guard let chosen = value else { continue }
                bytes = try apply(chosen, to: bytes, conflict: c, path: path, package: package)
                settled.append(c)
            }
            guard !settled.isEmpty else {
                throw GPMError(.usage, en: "no conflict in \(path) matches that key", tr: "\(path) içinde bu anahtarla eşleşen çakışma yok")
            }
            if let bytes { try AtomicFile.write(bytes, to: path, inWorkingTree: repo.root) }
            else { try AtomicFile.remove(path, inWorkingTree: repo.root) }
            try store.save(all.filter { c in !settled.contains(c) })
            _ = try Committer.commit(repo, message: "Resolve \(settled.count) conflict(s) in \(path)")
            return settled.count
        }
    }

    /// One conflict's choice applied to the file's current content (nil: the file is absent or removed).
    static func apply(_ chosen: String?, to bytes: [UInt8]?, conflict c: RecordedConflict, path: String,
                      package: DataPackage?) throws -> [UInt8]? {
        // A whole-file conflict (a version that could not be merged by meaning): the chosen version, whole.
        if c.key.isEmpty && c.field.isEmpty { return chosen.map { Array($0.utf8) } }
        switch RepositoryPath(path) {
        case .record(_, let name, _):
            guard let dataset = package?.dataset(named: name) else {
                throw refusal(path, "datapackage.json declares no dataset '\(name)'", "datapackage.json '\(name)' veri kümesini tanımlamıyor")
            }
            do {
                return try RecordMerge.resolve(bytes, dataset: dataset, conflict: c.conflict, value: chosen)
            } catch .unreadable {
                throw refusal(path, "it cannot be read as a table (a duplicate key, a missing key column or a malformed line; `gpmsync validate \(path)` shows where). Fix the file first",
                              "dosya tablo olarak okunamıyor (yinelenen anahtar, eksik anahtar sütunu ya da bozuk satır; yerini `gpmsync validate \(path)` gösterir). Önce dosyayı düzeltin")
            } catch .rowGone {
                throw refusal(path, "the row \(c.key) is no longer in the file", "\(c.key) satırı artık dosyada yok")
            } catch .badRow(let why) {
                throw refusal(path, why, "verilen satır tabloya uymuyor: \(why)")
            }
        case .practice, .profile:
            return try applyToDocument(chosen, to: bytes, conflict: c, path: path)
        default:
            throw refusal(path, "this conflict (\(c.key)/\(c.field)) is not one resolve knows how to apply", "bu çakışma (\(c.key)/\(c.field)) resolve ile uygulanamıyor")
        }
    }

    /// For documents: the chosen side's front-matter block or body replaces the one the merge kept. When
    /// the person has edited that part since the merge, the choice is merged into their edit (three-way,
    /// against what the merge kept), or refused when the two cannot be merged.
    static func applyToDocument(_ chosen: String?, to bytes: [UInt8]?, conflict c: RecordedConflict, path: String) throws -> [UInt8]? {
        let yamlOnly = path.hasSuffix(".yaml")
        guard let bytes, var doc = DocumentMerge.split(String(decoding: bytes, as: UTF8.self), yamlOnly: yamlOnly) else {
            throw refusal(path, "its front matter cannot be read (the `---` lines are missing or the file is gone)",
                          "ön bilgisi okunamıyor (`---` satırları eksik ya da dosya yok)")
        }
        switch c.field {
        case "body":
            let current = doc.body
            if current == chosen ?? "" { break }
            if current == c.ours ?? "" { doc.body = chosen ?? ""; break }
            guard let m = try CommitMerger.lineMerge(Array((c.ours ?? "").utf8), Array(current.utf8), Array((chosen ?? "").utf8)) else {
                throw refusal(path, "the text was edited since the conflict and the chosen version cannot be merged into the edit; edit the text by hand, then run resolve again",
                              "metin çakışmadan sonra düzenlenmiş ve seçilen sürüm bu düzenlemeyle birleştirilemiyor; metni elle düzenleyip resolve komutunu yeniden çalıştırın")
            }
            doc.body = String(decoding: m, as: UTF8.self)
        case "front-matter":
            let current = DocumentMerge.blocks(doc).first { $0.key == c.key }?.text
            if current == chosen { break }
            guard current == c.ours else {
                throw refusal(path, "the field \(c.key) was edited since the conflict; edit it by hand, then run resolve again",
                              "\(c.key) alanı çakışmadan sonra düzenlenmiş; elle düzenleyip resolve komutunu yeniden çalıştırın")
            }
            doc = DocumentMerge.replacing(c.key, with: chosen, in: doc)
        default:
            throw refusal(path, "this conflict (\(c.key)/\(c.field)) is not one resolve knows how to apply", "bu çakışma (\(c.key)/\(c.field)) resolve ile uygulanamıyor")
        }
        return Array(doc.text().utf8)
    }

    static func refusal(_ path: String, _ en: String, _ tr: String) -> GPMError {
        GPMError(.invalid, en: "cannot resolve \(path): \(en); nothing was changed",
                 tr: "\(path) dosyasındaki çakışma çözülemedi: \(tr); hiçbir şey değiştirilmedi")
    }
}
