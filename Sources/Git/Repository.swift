import CLibGit2
import Foundation

/// An open git repository, bare or with a working tree. Owns its `git_repository *`.
public final class Repository {
    let pointer: OpaquePointer
    /// libgit2's repository object is not safe to use from two threads at once: code that shares one
    /// between threads (readers of a tree for parallel work) takes turns through `serialized`.
    private let turn = NSLock()

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_repository_free(pointer) }

    /// Runs `body` while no other thread is inside `serialized` on this repository.
    public func serialized<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        turn.lock(); defer { turn.unlock() }
        return try body()
    }

    /// Opens the repository at `path` (its working tree, its `.git`, or a bare repository).
    public static func open(_ path: String) throws(GitError) -> Repository {
        Library.ensure()
        var out: OpaquePointer?
        try check(git_repository_open_ext(&out, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil), "git_repository_open_ext")
        return Repository(pointer: out!)
    }

    /// Opens the repository the environment names (`GIT_DIR`, `GIT_OBJECT_DIRECTORY`,
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`), as a server hook must: a push's new objects sit in a quarantine
    /// folder that only those variables point at.
    public static func openFromEnvironment() throws(GitError) -> Repository {
        Library.ensure()
        var out: OpaquePointer?
        try check(git_repository_open_ext(&out, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil), "git_repository_open_ext")
        return Repository(pointer: out!)
    }

    /// Creates a repository whose unborn HEAD points at `initialBranch`.
    public static func create(_ path: String, bare: Bool, initialBranch: String = "main") throws(GitError) -> Repository {
        Library.ensure()
        var options = gpm_repository_init_options_init()
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | (bare ? GIT_REPOSITORY_INIT_BARE.rawValue : 0)
        var out: OpaquePointer?
        let rc = initialBranch.withCString { branch -> Int32 in
            options.initial_head = branch
            return git_repository_init_ext(&out, path, &options)
        }
        try check(rc, "git_repository_init_ext")
        return Repository(pointer: out!)
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The `.git` directory (or the bare repository itself), with a trailing slash.
    public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    /// The working tree with a trailing slash, nil when bare.
    public var workingDirectory: String? {
        guard let p = git_repository_workdir(pointer) else { return nil }
        return String(cString: p)
    }

    public func config() throws(GitError) -> Config {
        var out: OpaquePointer?
        try check(git_repository_config(&out, pointer), "git_repository_config")
        return Config(pointer: out!)
    }

    // MARK: Objects

    public func readBlob(_ id: ObjectID) throws(GitError) -> [UInt8] {
        try withBlob(id) { blob in
            let size = Int(git_blob_rawsize(blob))
            guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
            return Array(UnsafeRawBufferPointer(start: raw, count: size))
        }
    }

    public func blobSize(_ id: ObjectID) throws(GitError) -> Int {
        try withBlob(id) { Int(git_blob_rawsize($0)) }
    }

    public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let rc = bytes.withUnsafeBytes { git_blob_create_from_buffer(&oid, pointer, $0.baseAddress, $0.count) }
        try check(rc, "git_blob_create_from_buffer")
        return ObjectID(oid)
    }

    /// The commit's metadata.
    public func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
        try withCommit(id) { commit in
            let parents = (0..<git_commit_parentcount(commit)).map { ObjectID(git_commit_parent_id(commit, $0)) }
            let author = git_commit_author(commit)!.pointee
            return CommitInfo(
                id: id,
                tree: ObjectID(git_commit_tree_id(commit)),
                parents: parents,
                message: String(cString: git_commit_message(commit)),
                authorName: String(cString: author.name),
                authorEmail: String(cString: author.email),
                time: Int64(git_commit_time(commit))
            )
        }
    }

    /// Every blob of a tree, recursively, keyed by path.
    public func treeEntries(_ treeID: ObjectID) throws(GitError) -> [String: TreeEntry] {
        try withTree(treeID) { tree throws(GitError) in
            final class Collector { var entries: [String: TreeEntry] = [:] }
            let collector = Collector()
            let rc = withExtendedLifetime(collector) {
                git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
                    let collector = Unmanaged<Collector>.fromOpaque(payload!).takeUnretainedValue()
                    guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                    let path = String(cString: root!) + String(cString: git_tree_entry_name(entry))
                    collector.entries[path] = TreeEntry(
                        id: ObjectID(git_tree_entry_id(entry)), mode: git_tree_entry_filemode(entry).rawValue)
                    return 0
                }, Unmanaged.passUnretained(collector).toOpaque())
            }
            try check(rc, "git_tree_walk")
            return collector.entries
        }
    }

    /// The blob at `path` in a tree, nil when there is none.
    public func blobID(at path: String, inTree treeID: ObjectID) throws(GitError) -> ObjectID? {
        try entry(at: path, inTree: treeID)?.id
    }

    /// The blob entry (id and mode, so symlinks show) at `path` in a tree, nil when there is none.
    public func entry(at path: String, inTree treeID: ObjectID) throws(GitError) -> TreeEntry? {
        try withTree(treeID) { tree throws(GitError) in
            try withTreeEntry(path, in: tree) { entry -> TreeEntry? in
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
                return TreeEntry(id: ObjectID(git_tree_entry_id(entry)), mode: git_tree_entry_filemode(entry).rawValue)
            } ?? nil
        }
    }

    /// A new tree: `base` with the given paths replaced (an entry) or removed (nil). Only the trees on the
    /// changed paths are rewritten, so a one-file change to a tree of thousands of files stays cheap.
    public func updateTree(_ base: ObjectID, changes: [String: TreeEntry?]) throws(GitError) -> ObjectID {
        guard !changes.isEmpty else { return base }
        return try withTree(base) { tree throws(GitError) in try updatedTree(tree, changes: changes) }
    }

    private func updatedTree(_ tree: OpaquePointer, changes: [String: TreeEntry?]) throws(GitError) -> ObjectID {
        let paths = changes.keys.sorted().map { strdup($0)! }
        defer { paths.forEach { free($0) } }
        var updates: [git_tree_update] = paths.map { p in
            let path = String(cString: p)
            var u = git_tree_update()
            u.path = UnsafePointer(p)
            if let entry = changes[path] ?? nil {
                u.action = GIT_TREE_UPDATE_UPSERT
                u.id = entry.id.raw
                u.filemode = git_filemode_t(entry.mode)
            } else {
                u.action = GIT_TREE_UPDATE_REMOVE
            }
            return u
        }
        var out = git_oid()
        let rc = updates.withUnsafeMutableBufferPointer { git_tree_create_updated(&out, pointer, tree, $0.count, $0.baseAddress) }
        try check(rc, "git_tree_create_updated")
        return ObjectID(out)
    }

    /// The blobs under one folder of a tree (`municipalities/34-kadikoy/`), keyed by full path.
    public func treeEntries(_ treeID: ObjectID, under folder: String) throws(GitError) -> [String: TreeEntry] {
        let trimmed = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        let subtree = try withTree(treeID) { tree throws(GitError) in
            try withTreeEntry(trimmed, in: tree) { entry -> ObjectID? in
                git_tree_entry_type(entry) == GIT_OBJECT_TREE ? ObjectID(git_tree_entry_id(entry)) : nil
            } ?? nil
        }
        guard let subtree else { return [:] }
        let sub = try treeEntries(subtree)
        return Dictionary(uniqueKeysWithValues: sub.map { (trimmed + "/" + $0.key, $0.value) })
    }

    /// Writes a tree holding exactly `entries` (path → blob), building the intermediate trees.
    public func writeTree(_ entries: [String: TreeEntry]) throws(GitError) -> ObjectID {
        let index = try Index.inMemory()
        for (path, entry) in entries.sorted(by: { $0.key < $1.key }) {
            try index.add(path: path, id: entry.id, mode: entry.mode)
        }
        return try index.writeTree(to: self)
    }

    /// Creates a commit; when `updating` is given, moves that ref to it only if the ref still points at
    /// the first parent (or is absent when there are no parents).
    public func createCommit(
        tree: ObjectID, parents: [ObjectID], message: String, author: Signature,
        updating refName: String? = nil
    ) throws(GitError) -> ObjectID {
        var parentObjs: [OpaquePointer?] = []
        defer { parentObjs.forEach { git_commit_free($0) } }
        for p in parents {
            var c: OpaquePointer?
            var oid = p.raw
            try check(git_commit_lookup(&c, pointer, &oid), "git_commit_lookup")
            parentObjs.append(c)
        }
        let id = try withTree(tree) { treeObj throws(GitError) in
            try withSignature(author) { sig throws(GitError) in
                var out = git_oid()
                let rc = parentObjs.withUnsafeMutableBufferPointer { buf in
                    git_commit_create(&out, pointer, nil, sig, sig, "UTF-8", message, treeObj, buf.count, buf.baseAddress)
                }
                try check(rc, "git_commit_create")
                return ObjectID(out)
            }
        }
        if let refName {
            try updateReference(refName, to: id, expecting: parents.first, message: "commit: \(message.prefix(60))")
        }
        return id
    }

    // MARK: History

    /// True when `commit` has `ancestor` in its history (or is it).
    public func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws(GitError) -> Bool {
        if ancestor == commit { return true }
        var a = commit.raw, b = ancestor.raw
        return try check(git_graph_descendant_of(pointer, &a, &b), "git_graph_descendant_of") == 1
    }

    /// Commits reachable from `from` but not from any of `hiding`, newest first.
    public func log(from: ObjectID, hiding: [ObjectID] = []) throws(GitError) -> [ObjectID] {
        try withOwned("git_revwalk_new", create: { git_revwalk_new(&$0, pointer) }, free: git_revwalk_free) { walk throws(GitError) in
            git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
            var start = from.raw
            try check(git_revwalk_push(walk, &start), "git_revwalk_push")
            for h in hiding {
                var oid = h.raw
                try check(git_revwalk_hide(walk, &oid), "git_revwalk_hide")
            }
            var result: [ObjectID] = []
            var oid = git_oid()
            while true {
                let rc = git_revwalk_next(&oid, walk)
                if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
                try check(rc, "git_revwalk_next")
                result.append(ObjectID(oid))
            }
            return result
        }
    }
}

/// One blob in a tree.
public struct TreeEntry: Hashable, Sendable {
    public var id: ObjectID
    /// Git file mode: 0o100644, 0o100755, 0o120000 (symlink).
    public var mode: UInt32
    public init(id: ObjectID, mode: UInt32 = 0o100644) { self.id = id; self.mode = mode }
    public var isSymlink: Bool { mode == 0o120000 }
}

public struct CommitInfo: Sendable {
    public var id: ObjectID
    public var tree: ObjectID
    public var parents: [ObjectID]
    public var message: String
    public var authorName: String
    public var authorEmail: String
    /// Seconds since the epoch.
    public var time: Int64
}

/// Runs `body` with a libgit2 signature for `who` (now, or at `who.time`), freed afterwards.
func withSignature<R>(_ who: Signature, _ body: (UnsafeMutablePointer<git_signature>) throws(GitError) -> R) throws(GitError) -> R {
    if let when = who.time {
        return try withOwned("git_signature_new", create: { git_signature_new(&$0, who.name, who.email, when, 0) },
                             free: git_signature_free, body)
    }
    return try withOwned("git_signature_now", create: { git_signature_now(&$0, who.name, who.email) },
                         free: git_signature_free, body)
}

/// Who made a commit; `time` nil means now.
public struct Signature: Sendable {
    public var name: String
    public var email: String
    public var time: Int64?
    public init(name: String, email: String, time: Int64? = nil) {
        self.name = name; self.email = email; self.time = time
    }
}
