import Foundation

/// A file of a repository snapshot, as validation sees it.
public struct FileEntry: Sendable, Hashable {
    public var path: String
    public var size: Int
    public var isSymlink: Bool
    /// The file's name, or a folder's on its path, is not UTF-8 (a Windows-1254 name copied in as bytes):
    /// `path` has U+FFFD in place of the bad bytes and names nothing on disk. A folder so named is listed
    /// as one entry, not walked.
    public var nameIsNotUTF8: Bool
    public init(path: String, size: Int, isSymlink: Bool, nameIsNotUTF8: Bool = false) {
        self.path = path; self.size = size; self.isSymlink = isSymlink; self.nameIsNotUTF8 = nameIsNotUTF8
    }
}

/// Somewhere files of a data repository can be read from: a working tree, or a commit's tree.
public protocol FileSource: Sendable {
    /// Every file, relative to the repository root, `.git` excluded.
    func files() -> [FileEntry]
    /// A file's bytes, nil when it is absent (or a symlink, which is never followed).
    func bytes(at path: String) -> [UInt8]?
    /// One file's entry, nil when absent.
    func entry(at path: String) -> FileEntry?
}

extension FileSource {
    public func entry(at path: String) -> FileEntry? { files().first { $0.path == path } }

    /// The data package this source declares; nil when datapackage.json is absent or unreadable.
    public var dataPackage: DataPackage? { bytes(at: "datapackage.json").flatMap { try? DataPackage(json: $0) } }
}

/// Files in a directory on disk.
public struct DirectorySource: FileSource {
    public let root: String

    public init(root: String) { self.root = root.hasSuffix("/") ? String(root.dropLast()) : root }

    public func files() -> [FileEntry] {
        var result: [FileEntry] = []
        walk("", into: &result)
        return result.sorted { $0.path < $1.path }
    }

    /// The file at `path`, or every file under it when it is a folder (`""` is the root); nil when nothing
    /// is there.
    public func entries(at path: String) -> [FileEntry]? {
        var st = stat()
        guard lstat(path.isEmpty ? root : root + "/" + path, &st) == 0 else { return nil }
        if st.st_mode & S_IFMT == S_IFDIR {
            if path.isEmpty { return files() }
            var result: [FileEntry] = []
            walk(path, into: &result)
            return result.sorted { $0.path < $1.path }
        }
        return entry(at: path).map { [$0] } ?? []
    }

    /// The files under `relative`, read with `readdir` and `fstatat` on the folder (no full path resolved
    /// per file: a whole tree is walked before its validation starts). A file or folder whose name is not
    /// UTF-8 cannot be named by a path: it is listed as one entry marked `nameIsNotUTF8`, which validation
    /// reports instead of passing over it.
    private func walk(_ relative: String, into result: inout [FileEntry]) {
        let dir = relative.isEmpty ? root : root + "/" + relative
        guard let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        let fd = dirfd(handle)
        var folders: [String] = []
        while let entry = readdir(handle) {
            var st = stat()
            let found: (name: String, utf8: Bool)? = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) { cName in
                    let bytes = UnsafeRawBufferPointer(start: cName, count: strlen(cName))
                    let valid = String(validating: bytes, as: UTF8.self)
                    let name = valid ?? String(decoding: bytes, as: UTF8.self)
                    guard name != "." && name != "..", !(relative.isEmpty && name == ".git"), !isEditorTemporary(name),
                          fstatat(fd, cName, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
                    return (name, valid != nil)
                }
            }
            guard let (name, utf8) = found else { continue }
            let rel = relative.isEmpty ? name : relative + "/" + name
            guard utf8 else {
                result.append(FileEntry(path: rel, size: 0, isSymlink: false, nameIsNotUTF8: true))
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: folders.append(rel)
            case S_IFLNK: result.append(FileEntry(path: rel, size: 0, isSymlink: true))
            case S_IFREG: result.append(FileEntry(path: rel, size: Int(st.st_size), isSymlink: false))
            default: continue
            }
        }
        // A folder of many folders (`municipalities/`: one per municipality) is walked on every core.
        guard folders.count >= 8 else {
            for folder in folders { walk(folder, into: &result) }
            return
        }
        OrderedWork.run(tasks: folders.count, work: { t -> [FileEntry] in
            var found: [FileEntry] = []
            walk(folders[t], into: &found)
            return found
        }, emit: { _, found in result += found })
    }

    public func entry(at path: String) -> FileEntry? {
        var st = stat()
        guard lstat(root + "/" + path, &st) == 0 else { return nil }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFLNK else { return nil }
        return FileEntry(path: path, size: Int(st.st_size), isSymlink: kind == S_IFLNK)
    }

    public func bytes(at path: String) -> [UInt8]? {
        // O_NOFOLLOW: a symlink is never followed (it is reported as one, not read). O_NONBLOCK: opening a
        // FIFO someone left in the tree must not wait for a writer (it is then refused as not a regular file).
        let fd = open(root + "/" + path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        // Read straight into an array of the size fstat gave, with a byte to spare (zero-filling the array
        // first and growing it for a last read that finds the end cost a fill and a copy of every file).
        // Reading stops once that size is in, without a read to see the end: a file still being written can
        // be read short either way. One that says it is empty (a kernel file) or fills the byte to spare
        // (it grew) is read on in chunks.
        var failed = false, filledUp = false
        let size = Int(st.st_size)
        var result = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            count = 0
            while count < buffer.count && (count < size || size == 0) {
                let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true; return }
                if n == 0 { return }
                count += n
            }
            filledUp = count == buffer.count
        }
        guard !failed else { return nil }
        if filledUp {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { return nil }
                if n == 0 { break }
                result.append(contentsOf: chunk[..<n])
            }
        }
        return result
    }
}
