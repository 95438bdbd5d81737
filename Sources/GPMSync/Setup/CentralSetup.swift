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
                                      author: Signature(name: "gpm-admin", email: "gpm-admin@gpm.gpmsync.invalid"),
                                      updating: DataRepository.mainRef)
            let config = try repo.config()
            try config.set("gpmsync.autoAccept", "none")
            try config.set("receive.denyDeletes", "false")
            try HookInstaller.install("pre-receive", gitDirectory: repo.gitDirectory)
            // Served over git:// by `git daemon` without --export-all too.
            FileManager.default.createFile(atPath: repo.gitDirectory + "git-daemon-export-ok", contents: Data())
        } catch let e as GitError {
            try? FileManager.default.removeItem(atPath: path)
            throw GPMError(.usage, en: "cannot create the central repository: \(e.message)", tr: "merkez depo oluşturulamadı: \(e.message)")
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw GPMError(.usage, en: "cannot create the central repository: \(error)", tr: "merkez depo oluşturulamadı: \(error)")
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
