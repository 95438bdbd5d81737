import Foundation

/// Writes files so that a crash leaves either the old or the new content, never a mix: a temporary file
/// in the same folder, fsync, rename, fsync of the folder.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = dir + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd); unlink(tmp)
                throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
            }
            offset += n
        }
        if fsync(fd) != 0 { let e = errno; close(fd); unlink(tmp); throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO) }
        close(fd)
        guard rename(tmp, path) == 0 else { let e = errno; unlink(tmp); throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO) }
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(Array(text.utf8), to: path, mode: mode)
    }
}
