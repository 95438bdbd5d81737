import Foundation

/// Writes files so that a crash leaves either the old or the new content, never a mix: a temporary file
/// in the same folder, fsync, rename, fsync of the folder.
public enum AtomicFile {
    /// Writes a private file (under `.git/gpmsync/`, a hook): its folders are created as needed.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try write(bytes, named: (path as NSString).lastPathComponent, inFolder: fd, mode: mode)
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// Writes `relative` inside the working tree `root` without following a symlink anywhere on the way:
    /// every folder is opened with `O_NOFOLLOW` from the one above it (made when missing), and the file
    /// replaces whatever entry has its name (a symlink there is replaced, not followed). A tree whose folder
    /// is a symlink or a file (a hostile central can check one out) is refused.
    public static func write(_ bytes: [UInt8], to relative: String, inWorkingTree root: String, mode: mode_t = 0o644) throws {
        let (folder, name) = try openParent(of: relative, inWorkingTree: root, create: true)
        defer { close(folder) }
        try write(bytes, named: name, inFolder: folder, mode: mode)
    }

    /// Removes `relative` from the working tree (a symlink itself, never its target); absent is fine.
    public static func remove(_ relative: String, inWorkingTree root: String) throws {
        let folder: Int32, name: String
        do { (folder, name) = try openParent(of: relative, inWorkingTree: root, create: false) } catch let e as POSIXError where e.code == .ENOENT {
            return
        }
        defer { close(folder) }
        if unlinkat(folder, name, 0) != 0 && errno != ENOENT { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// The folder that holds `relative`, opened without following symlinks, and the file's name.
    private static func openParent(of relative: String, inWorkingTree root: String, create: Bool) throws -> (Int32, String) {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.last, !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0 == ".git" }) else {
            throw GPMError(.usage, en: "'\(relative)' is not a path inside the working tree",
                           tr: "'\(relative)' çalışma ağacının içinde bir yol değil")
        }
        var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        for part in parts.dropLast() {
            var next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 && errno == ENOENT && create {
                if mkdirat(fd, part, 0o755) != 0 && errno != EEXIST { let e = errno; close(fd); throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO) }
                next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let e = errno
            close(fd)
            guard next >= 0 else {
                if e == ELOOP || e == ENOTDIR {
                    throw GPMError(.invalid, en: "refusing to write \(relative): '\(part)' on its way is a symlink or not a folder",
                                   tr: "\(relative) yazılmadı: yolundaki '\(part)' bir sembolik bağ ya da klasör değil")
                }
                throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
            }
            fd = next
        }
        return (fd, name)
    }

    /// The temporary file, fsync, rename over `name`, fsync of the folder; all relative to `folder`.
    private static func write(_ bytes: [UInt8], named name: String, inFolder folder: Int32, mode: mode_t) throws {
        let tmp = ".\(name).tmp-\(getpid())"
        unlinkat(folder, tmp, 0)
        let fd = openat(folder, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd); unlinkat(folder, tmp, 0)
                throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
            }
            offset += n
        }
        if fsync(fd) != 0 { let e = errno; close(fd); unlinkat(folder, tmp, 0); throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO) }
        close(fd)
        guard renameat(folder, tmp, folder, name) == 0 else {
            let e = errno; unlinkat(folder, tmp, 0); throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
        fsync(folder)
    }
}
