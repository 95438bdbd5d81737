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

    /// Returns how many conflicts were settled.
    @discardableResult
    public static func resolve(_ repo: DataRepository, path: String, choice: Choice) throws -> Int {
        try Locks.withExclusive(repo) {
            let store = ConflictStore(repository: repo)
            let all = store.load()
            let mine = all.filter { $0.path == path }
            guard !mine.isEmpty else {
                throw GPMError(.usage, en: "no recorded conflict in \(path)", tr: "\(path) için kayıtlı çakışma yok")
            }
            let file = repo.root + "/" + path
            var bytes = FileManager.default.contents(atPath: file).map { [UInt8]($0) }
            var settled: [RecordedConflict] = []
            let package = DirectorySource(root: repo.root).dataPackage
            for c in mine {
                let value: String??
                switch choice {
                case .ours: value = .some(c.local)
                case .theirs: value = .some(c.central)
                case .value(let key, let v):
                    let target = c.field.isEmpty ? c.key : "\(c.key)/\(c.field)"
                    value = key == target || (key == c.key && mine.filter { $0.key == c.key }.count == 1) ? .some(v) : nil
                }
                guard let chosen = value else { continue }
                switch RepositoryPath(path) {
                case .record(_, let name, _):
                    guard let dataset = package?.dataset(named: name) else { continue }
                    bytes = RecordMerge.resolve(bytes, dataset: dataset, conflict: CellConflict(
                        key: c.key, field: c.field, ancestor: c.ancestor, local: c.local, central: c.central), value: chosen)
                default:
                    if c.field == "front-matter" || c.field == "body" || c.key.isEmpty {
                        bytes = try replaceText(bytes, conflict: c, with: chosen)
                    }
                }
                settled.append(c)
            }
            guard !settled.isEmpty else {
                throw GPMError(.usage, en: "no conflict in \(path) matches that key", tr: "\(path) içinde bu anahtarla eşleşen çakışma yok")
            }
            if let bytes { try AtomicFile.write(bytes, to: file) } else { try? FileManager.default.removeItem(atPath: file) }
            try store.save(all.filter { c in !settled.contains(c) })
            _ = try Committer.commit(repo, message: "Resolve \(settled.count) conflict(s) in \(path)")
            return settled.count
        }
    }

    /// For documents: the chosen side's block (front-matter key, body, or whole file) replaces the local one.
    static func replaceText(_ bytes: [UInt8]?, conflict c: RecordedConflict, with chosen: String?) throws -> [UInt8]? {
        guard let bytes else { return chosen.map { Array($0.utf8) } }
        if c.key.isEmpty && c.field.isEmpty { return chosen.map { Array($0.utf8) } }
        var text = String(decoding: bytes, as: UTF8.self)
        if let local = c.local, let range = text.range(of: local) { text.replaceSubrange(range, with: chosen ?? "") }
        return Array(text.utf8)
    }
}
