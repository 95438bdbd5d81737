#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether `path` exists without following a final symlink; `isDirectory` says what it is.
func fileExists(_ path: String, isDirectory: inout Bool) -> Bool {
    var st = stat()
    guard lstat(path, &st) == 0 else { return false }
    isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
    return true
}
