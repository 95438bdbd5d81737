import Foundation
import GPMCore
import Git

/// The central repository as GPM's tools see it: the bare repository itself when it is a local path, or a
/// cached mirror fetched from its URL (a reviewer with no clone), whose `main` and notes are pushed back
/// through the server's hook.
public final class CentralSession {
    public let git: Repository
    let url: String?
    var credentials = Credentials()
    let timeout: Duration
    private var fetchedMain: ObjectID?
    private var fetchedNotes: ObjectID?

    /// `location`: a path to the bare repository, or a URL.
    public init(location: String, credentials: Credentials = Credentials(), timeout: Duration = .seconds(60)) throws {
        self.timeout = timeout
        self.credentials = credentials
        if !location.contains("://"), FileManager.default.fileExists(atPath: location) {
            do { git = try Repository.open(location) } catch {
                throw GPMError(.usage, en: "\(location) is not a central repository; give its folder or its address with --central",
                               tr: "\(location) bir merkez depo değil; merkez deponun klasörünü veya adresini --central ile verin",
                               detail: "\(error.function): \(error.message)")
            }
            url = nil
            return
        }
        let path = Self.cacheDirectory() + "/central/" + Self.cacheName(location) + ".git"
        git = FileManager.default.fileExists(atPath: path) ? try Repository.open(path) : try Repository.create(path, bare: true)
        url = location
        try refresh()
    }

    /// gpmsync's cache folder: `$XDG_CACHE_HOME/gpmsync`, else `$HOME/.cache/gpmsync`.
    public static func cacheDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/gpmsync" }
        return (env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.cache/gpmsync"
    }

    /// A readable name for a URL's cache that no other URL shares: its letters and digits, then a hash of
    /// the exact URL (two URLs that differ only in punctuation get two caches).
    static func cacheName(_ url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits: stable across runs, unlike Hasher
        for b in url.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let readable = String(url.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "_" }.prefix(80))
        return readable + "-" + String(hash, radix: 16)
    }

    /// Fetches every branch and the notes from the URL (no-op for a local repository); branches deleted on
    /// the central are deleted from the cache too, so nothing is listed or decided from a stale copy.
    public func refresh() throws {
        guard let url else { return }
        let creds = credentials
        do {
            try Network.withDeadline(timeout) { [git] deadline in
                try git.fetch(url: url, refspecs: ["+refs/heads/*:refs/heads/*", "+\(Refs.reviewNotes):\(Refs.reviewNotes)"],
                              options: TransferOptions(credentials: creds, deadline: deadline, prune: true))
            }
        } catch let e as GitError {
            throw GPMError.from(e, doing: "fetch", whatTR: "çekme")
        }
        fetchedMain = try git.reference(Refs.main)
        fetchedNotes = try git.reference(Refs.reviewNotes)
    }

    /// Pushes `main` and the notes back when they moved (no-op for a local repository). The server refuses
    /// anything but a fast-forward, so a reviewer never overwrites another's work.
    public func publish() throws {
        guard let url else { return }
        var specs: [String] = []
        if try git.reference(Refs.main) != fetchedMain { specs.append("\(Refs.main):\(Refs.main)") }
        if try git.reference(Refs.reviewNotes) != fetchedNotes { specs.append("\(Refs.reviewNotes):\(Refs.reviewNotes)") }
        guard !specs.isEmpty else { return }
        let creds = credentials
        do {
            _ = try Network.withDeadline(timeout) { [git] deadline in
                try git.push(url: url, refspecs: specs, options: TransferOptions(credentials: creds, deadline: deadline))
            }
        } catch let e as GitError {
            throw GPMError.from(e, doing: "publish", whatTR: "yayımlama")
        }
        fetchedMain = try git.reference(Refs.main)
        fetchedNotes = try git.reference(Refs.reviewNotes)
    }

    public var main: ObjectID? { try? git.reference(Refs.main) }

    /// Where gpmsync keeps its own files in the central repository (or in the reviewer's cached mirror).
    var stateDirectory: String { git.gitDirectory + "gpmsync" }

    /// Holds the central's writer lock: one `central process` or review decision at a time writes `main` and
    /// the notes here. Waits up to `wait`; nil when another run still holds it. Close the descriptor to
    /// release it (the kernel releases it when the process dies). Once held, `.lock` files that a killed
    /// gpmsync left on `main` or the notes are recovered (see `Locks.recoverStaleRefLocks`).
    public func holdWriterLock(wait: Duration) throws -> Int32? {
        guard let fd = try Locks.tryHold(directory: stateDirectory, "central", wait: wait) else { return nil }
        Locks.recoverStaleRefLocks(gitDirectory: git.gitDirectory, refs: [Refs.main, Refs.reviewNotes])
        return fd
    }

    /// Runs `body` holding the writer lock; refuses when another writer keeps it past `wait`.
    func withWriterLock<T>(wait: Duration = .seconds(30), _ body: () throws -> T) throws -> T {
        guard let fd = try holdWriterLock(wait: wait) else {
            throw GPMError(.usage, en: "another gpmsync is writing to the central repository (pid \(Locks.holder(directory: stateDirectory, "central").map(String.init) ?? "?")); try again in a moment",
                           tr: "merkez depoya başka bir gpmsync yazıyor (pid \(Locks.holder(directory: stateDirectory, "central").map(String.init) ?? "?")); biraz sonra yeniden deneyin")
        }
        defer { close(fd) }
        return try body()
    }

    /// Every contribution branch: org unit and tip.
    public func contributions() throws -> [(org: String, tip: ObjectID)] {
        try git.references(matching: Refs.contribPrefix + "*").compactMap { ref in Refs.org(ofContrib: ref.name).map { ($0, ref.id) } }
    }

    public func note(_ commit: ObjectID) -> ReviewNote? {
        ((try? git.note(on: commit, ref: Refs.reviewNotes)) ?? nil).flatMap(ReviewNote.init(json:))
    }

    public func writeNote(_ note: ReviewNote, on commit: ObjectID) throws {
        try git.writeNote(note.json, on: commit, ref: Refs.reviewNotes,
                          author: .gpmsync(note.reviewer))
    }

    /// The access list on `main`; refused when it does not validate (nobody's role can then be trusted).
    public func access() throws -> AccessList {
        guard let main else { return AccessList(bytes: []) }
        let access = AccessList(in: try TreeSource(repository: git, tree: try git.commit(main).tree))
        if let problem = access.problems.first {
            throw GPMError(.invalid, en: "access.csv on main does not validate (\(problem.line.map { "line \($0): " } ?? "")\(problem.message.en)); an administrator must fix it first",
                           tr: "ana verideki access.csv doğrulanamıyor (\(problem.line.map { "\($0). satır: " } ?? "")\(problem.message.tr)); önce bir yönetici düzeltmeli")
        }
        return access
    }

    /// Merges a contribution into `main` record by record; refused (nil merge, conflicts listed) when the
    /// merge conflicts. `main` moves only if it still is where it was read (compare-and-swap).
    /// Ours is `main`, theirs the contribution.
    public func merge(org: String, tip: ObjectID, by reviewer: String) throws -> (commit: ObjectID?, conflicts: [RecordedConflict]) {
        guard let main else { throw GPMError(.usage, en: "central has no main", tr: "merkezde ana veri yok") }
        if try git.isAncestor(tip, of: main) { return (main, []) }
        let result = try CommitMerger(git: git).merge(ours: main, theirs: tip)
        let sides = MergeSides(ours: .init(label: "main", commit: main.hex), theirs: .init(label: "contribution", commit: tip.hex))
        guard result.conflicts.isEmpty else { return (nil, result.conflicts.map { RecordedConflict(path: $0.path, conflict: $0.conflict, sides: sides) }) }
        let tree = try result.write(git)
        let diff = try Differ.between(git, from: try git.commit(main).tree, to: tree)
        let commit = try git.createCommit(
            tree: tree, parents: [main, tip], message: "Accept contribution of \(org) (\(tip.short))\n\n\(diff.summary())\n",
            author: .gpmsync(reviewer), updating: Refs.main)
        return (commit, [])
    }
}

extension AccessList {
    /// The access list of a tree, its org units checked against the tree's own code list.
    /// `codeLists`: the tree's code lists when the caller has read them already.
    init(in source: FileSource, codeLists: CodeLists? = nil) {
        let lists = codeLists ?? source.dataPackage.map { CodeLists(package: $0, source: source) }
        self.init(bytes: source.bytes(at: AccessList.path) ?? [], orgUnits: lists?["org_units"])
    }
}
