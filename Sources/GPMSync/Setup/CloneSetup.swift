import Foundation
import GPMCore
import Git

/// `gpmsync init`: a municipality's clone of the central repository.
public enum CloneSetup {
    /// Builds the clone in a temporary folder beside `path` and renames it into place at the end, so a
    /// failure (wrong org unit, central unreachable) leaves nothing half-made. `progress` hears how the
    /// transfer and the checkout go (from libgit2's threads, often).
    /// With the files that let this clone reach central: an ssh key, an https token file, a known_hosts, a CA.
    public static func create(at path: String, orgUnit: String, centralURL: String, user: String?, sshKeyFile: String?,
                              tokenFile: String?, knownHostsFile: String?, caFile: String? = nil,
                              progress: (@Sendable (CloneProgress) -> Void)? = nil) throws(GPMError) {
        let absolute = { (p: String?) in p.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }
        try create(at: path, orgUnit: orgUnit, centralURL: centralURL, user: user,
                   credentials: Credentials(sshKeyFile: absolute(sshKeyFile), tokenFile: absolute(tokenFile),
                                            username: user, knownHostsFile: absolute(knownHostsFile), caFile: absolute(caFile)),
                   progress: progress)
    }

    public static func create(at path: String, orgUnit: String, centralURL: String, user: String?,
                              credentials: Credentials = Credentials(), timeout: Duration = .seconds(60),
                              progress: (@Sendable (CloneProgress) -> Void)? = nil) throws(GPMError) {
        try ensureEmptyOrAbsent(path)
        guard isOrgUnit(orgUnit) else {
            throw GPMError(.invalid, en: "'\(orgUnit)' is not an org unit code like 34-kadikoy",
                           tr: "'\(orgUnit)' 34-kadikoy gibi bir birim kodu değil")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let parent = (absolute as NSString).deletingLastPathComponent
        let staging = parent + "/.\((absolute as NSString).lastPathComponent).gpmsync-init-\(getpid())"
        try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        do {
            try build(at: staging, orgUnit: orgUnit, centralURL: centralURL, user: user, credentials: credentials,
                      timeout: timeout, progress: progress)
            if FileManager.default.fileExists(atPath: absolute) { try FileManager.default.removeItem(atPath: absolute) }
            try FileManager.default.moveItem(atPath: staging, toPath: absolute)
        } catch let e as GPMError {
            try? FileManager.default.removeItem(atPath: staging)
            throw e
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw GPMError(.usage, en: "cannot create the data repository at \(path); check that the folder can be written",
                           tr: "\(path) konumunda veri deposu oluşturulamadı; klasöre yazılabildiğini kontrol edin",
                           detail: "\(error)")
        }
    }

    private static func build(at path: String, orgUnit: String, centralURL: String, user: String?,
                              credentials: Credentials, timeout: Duration,
                              progress: (@Sendable (CloneProgress) -> Void)?) throws {
        let repo = try Repository.create(path, bare: false)
        let config = try repo.config()
        try config.set("remote.central.url", centralURL)
        try config.set("remote.central.fetch", "+refs/heads/*:refs/remotes/central/*")
        try config.set("gpmsync.orgUnit", orgUnit)
        if let user { try config.set("gpmsync.user", user) }
        if let key = credentials.sshKeyFile { try config.set("gpmsync.sshKey", key) }
        if let token = credentials.tokenFile { try config.set("gpmsync.tokenFile", token) }
        if let known = credentials.knownHostsFile { try config.set("gpmsync.knownHosts", known) }
        if let ca = credentials.caFile { try config.set("gpmsync.caFile", ca) }
        let data = try DataRepository(path: path)
        try data.checkOutSymlinksAsFiles()
        var onTransfer: (@Sendable (TransferProgress) -> Void)?
        if let progress { onTransfer = { progress(CloneProgress($0)) } }
        do {
            try Trace.step("fetch") { try Network.fetch(data, timeout: timeout, onProgress: onTransfer) }
        } catch let e as GitError {
            throw GPMError.from(e, doing: "init", whatTR: "kurulum")
        }
        let name = user ?? "gpmsync"
        let author = Signature.gpmsync(name, orgUnit: orgUnit)
        if let central = try repo.reference(Refs.centralMain) {
            try repo.updateReference(Refs.main, to: central, expecting: nil, message: "init: from central")
            let tree = try repo.commit(central).tree
            try Trace.step("checkout") {
                try repo.checkout(tree: tree, force: true, filters: try needsFilters(repo, tree)) { done, total in
                    progress?(CloneProgress(phase: .checkingOut, done: done, total: total, receivedBytes: 0))
                }
            }
        } else {
            // An empty central: start the history from the template.
            var tree: [String: TreeEntry] = [:]
            for (file, text) in EmbeddedTemplate.files { tree[file] = TreeEntry(id: try repo.writeBlob(Array(text.utf8))) }
            let commit = try repo.createCommit(tree: try repo.writeTree(tree), parents: [], message: "Start the GPM data repository\n",
                                               author: author, updating: Refs.main)
            try repo.checkout(tree: try repo.commit(commit).tree, force: true)
        }
        try Trace.step("org unit and profile") { try addProfile(repo, at: path, orgUnit: orgUnit, author: author) }
        try HookInstaller.install("pre-commit", gitDirectory: repo.gitDirectory)
    }

    /// Whether checking out `tree` can need a filter: only with a `.gitattributes` in it or `core.autocrlf`
    /// set (git's own config files included). Without either every blob is written as stored, and the
    /// first checkout of thousands of files skips an attribute lookup per file.
    private static func needsFilters(_ repo: Repository, _ tree: ObjectID) throws -> Bool {
        let autocrlf = try repo.config().string("core.autocrlf")?.lowercased()
        if let autocrlf, autocrlf != "false" { return true }
        return try repo.treeEntries(tree).keys.contains { $0 == ".gitattributes" || $0.hasSuffix("/.gitattributes") }
    }

    /// Checks the org unit against central's code list and commits a first profile when there is none.
    private static func addProfile(_ repo: Repository, at path: String, orgUnit: String, author: Signature) throws {
        let codeLists = CodeLists(package: try DataPackage(json: Array(try Data(contentsOf: URL(fileURLWithPath: path + "/datapackage.json")))),
                                  source: DirectorySource(root: path))
        guard let units = codeLists["org_units"], units.contains(orgUnit) else {
            throw GPMError(.invalid, en: "'\(orgUnit)' is not in codelists/org_units.csv of the central repository",
                           tr: "'\(orgUnit)' merkez deponun codelists/org_units.csv listesinde yok")
        }
        let profilePath = RepositoryPath.profile(orgUnit: orgUnit).path!
        if DirectorySource(root: path).entry(at: profilePath) == nil {
            try AtomicFile.write(Array(profile(orgUnit: orgUnit, root: path).utf8), to: profilePath, inWorkingTree: path)
            let index = try repo.index()
            try index.stage(paths: [profilePath], workingDirectory: path + "/")
            try index.write()
            let head = try repo.headCommit()
            _ = try repo.createCommit(tree: try index.writeTree(to: repo), parents: head.map { [$0] } ?? [],
                                      message: "Add the profile of \(orgUnit)\n", author: author, updating: Refs.main)
        }
    }

    /// A first profile from the org_units code list row.
    static func profile(orgUnit: String, root: String) -> String {
        let table = CSV.parse([UInt8]((FileManager.default.contents(atPath: root + "/codelists/org_units.csv")) ?? Data()))
        let row = table.rows.first { $0.fields.first == orgUnit }?.fields ?? []
        func col(_ name: String) -> String {
            guard let i = table.header.firstIndex(of: name), i < row.count else { return "" }
            return row[i]
        }
        return """
        org_unit: \(orgUnit)
        name: "\(col("name"))"
        province: "\(col("province_name"))"
        province_plate: "\(col("province_plate"))"
        type: \(col("type"))
        contact:
          unit: ""

        """
    }
}
