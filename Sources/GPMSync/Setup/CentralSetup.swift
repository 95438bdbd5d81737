import Foundation
import GPMCore
import Git

/// `gpmsync central init`: a new bare central repository holding the template on `main`.
public enum CentralSetup {
    public static func create(at path: String) throws(GPMError) {
        try ensureEmptyOrAbsent(path)
        do {
            let repo = try Repository.create(path, bare: true)
            var tree: [String: TreeEntry] = [:]
            for (file, text) in EmbeddedTemplate.files {
                tree[file] = TreeEntry(id: try repo.writeBlob(Array(text.utf8)))
            }
            let treeID = try repo.writeTree(tree)
            _ = try repo.createCommit(tree: treeID, parents: [], message: "Start the GPM data repository\n",
                                      author: .gpmsync("gpm-admin"),
                                      updating: Refs.main)
            let config = try repo.config()
            try config.set("gpmsync.autoAccept", "none")
            try config.set("receive.denyDeletes", "false")
            // A git CLI user can tell the hook their language: `git push -o lang=tr`.
            try config.set("receive.advertisePushOptions", "true")
            try HookInstaller.install("pre-receive", gitDirectory: repo.gitDirectory)
            // Served over git:// by `git daemon` without --export-all too.
            _ = FileManager.default.createFile(atPath: repo.gitDirectory + "git-daemon-export-ok", contents: Data())
        } catch let e as GitError {
            try? FileManager.default.removeItem(atPath: path)
            throw GPMError(.usage, en: "cannot create the central repository at \(path); check that the folder can be written",
                           tr: "\(path) konumunda merkez depo oluşturulamadı; klasöre yazılabildiğini kontrol edin",
                           detail: "\(e.function): \(e.message)")
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw GPMError(.usage, en: "cannot create the central repository at \(path); check that the folder can be written",
                           tr: "\(path) konumunda merkez depo oluşturulamadı; klasöre yazılabildiğini kontrol edin",
                           detail: "\(error)")
        }
    }
}

/// Refuses a destination that exists and is not an empty folder.
func ensureEmptyOrAbsent(_ path: String) throws(GPMError) {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return }
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]
    if !isDir.boolValue || !contents.isEmpty {
        throw GPMError(.usage, en: "\(path) already exists and is not empty; choose another folder",
                       tr: "\(path) zaten var ve boş değil; başka bir klasör seçin")
    }
}

extension CentralSetup {
    /// Adds (or changes) a user in `access.csv` on the central repository's `main`, as an admin would.
    public static func grant(central path: String, user: String, role: AccessList.Role, orgUnit: String?) throws {
        do {
            let repo = try Repository.open(path)
            guard let main = try repo.reference(Refs.main) else {
                throw GPMError(.usage, en: "\(path) has no main", tr: "\(path) içinde ana veri yok")
            }
            var tree = try repo.treeEntries(try repo.commit(main).tree)
            let source = TreeSource(repository: repo, entries: tree)
            if let reason = AccessList.problemWithName(user) {
                throw GPMError(.usage, en: "the user name \(reason.en)", tr: "kullanıcı adı \(reason.tr)")
            }
            if role != .municipality, let orgUnit {
                throw GPMError(.usage, en: "the role \(role.rawValue) has no org unit; leave out --org-unit \(orgUnit)",
                               tr: "\(role.rawValue) rolünün birim kodu olmaz; --org-unit \(orgUnit) vermeyin")
            }
            if role == .municipality {
                let package = source.dataPackage
                let units = package.map { CodeLists(package: $0, source: source) }?["org_units"] ?? []
                guard let orgUnit, units.contains(orgUnit) else {
                    throw GPMError(.invalid, en: "'\(orgUnit ?? "")' is not in codelists/org_units.csv", tr: "'\(orgUnit ?? "")' codelists/org_units.csv içinde yok")
                }
            }
            let table = CSV.parse(source.bytes(at: "access.csv") ?? Array("user,role,org_unit\n".utf8))
            var rows = table.rows.map(\.fields).filter { $0.first != user }
            rows.append([user, role.rawValue, orgUnit ?? ""])
            let bytes = CSV.write(header: table.header, rows: rows)
            // The rest of the file must hold too: the door will not decide with an access list that does not validate.
            if let problem = AccessList(bytes: bytes).problems.first {
                throw GPMError(.invalid, en: "access.csv would not validate: \(problem.line.map { "line \($0): " } ?? "")\(problem.message.en); fix it first",
                               tr: "access.csv doğrulanamaz: \(problem.line.map { "\($0). satır: " } ?? "")\(problem.message.tr); önce onu düzeltin")
            }
            tree["access.csv"] = TreeEntry(id: try repo.writeBlob(bytes))
            _ = try repo.createCommit(tree: try repo.writeTree(tree), parents: [main],
                                      message: "access: \(user) is \(role.rawValue)\(orgUnit.map { " of \($0)" } ?? "")\n",
                                      author: .gpmsync("gpm-admin"),
                                      updating: Refs.main)
        } catch let e as GitError {
            throw GPMError(.usage, en: "cannot change access.csv in the central repository; check that it can be written",
                           tr: "merkez depodaki access.csv dosyası değiştirilemedi; depoya yazılabildiğini kontrol edin",
                           detail: "\(e.function): \(e.message)")
        }
    }
}

extension CentralSetup {
    /// The files of a new central repository's first commit, by path.
    public static var templateFiles: [String: String] { EmbeddedTemplate.files }
}
