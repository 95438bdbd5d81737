import Foundation

/// Locks of a clone: the `flock` that lets one gpmsync at a time change it (released by the kernel when a
/// process dies, even by kill -9), and recovery of git `.lock` files a crashed process left behind.
public enum Locks {
    /// Runs `body` holding `.git/gpmsync/<name>.lock`, waiting for another gpmsync that holds it.
    public static func withExclusive<T>(_ repo: DataRepository, _ name: String = "sync", _ body: () throws -> T) throws -> T {
        let fd = try open(repo, name)
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        defer { flock(fd, LOCK_UN) }
        try recoverStaleGitLocks(repo.git.gitDirectory, workingTree: repo.root)
        return try body()
    }

    /// Takes `.git/gpmsync/<name>.lock` without waiting and keeps it until the returned descriptor is
    /// closed; nil when another live process holds it. The holder's pid is written into the file.
    public static func tryHold(_ repo: DataRepository, _ name: String) throws -> Int32? {
        let fd = try open(repo, name)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { close(fd); return nil }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    /// The pid written by the holder of a lock, if any.
    public static func holder(_ repo: DataRepository, _ name: String) -> Int32? {
        guard let text = try? String(contentsOfFile: repo.stateDirectory + "/\(name).lock", encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func open(_ repo: DataRepository, _ name: String) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: repo.stateDirectory, withIntermediateDirectories: true)
        let fd = Glibc.open(repo.stateDirectory + "/\(name).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return fd
    }

    /// Removes `index.lock` and ref `.lock` files left by a crashed process. A lock held by a live git
    /// process working in this repository is waited for (up to 30 s) instead.
    static func recoverStaleGitLocks(_ gitDirectory: String, workingTree: String) throws {
        let locks = gitLockFiles(gitDirectory)
        guard !locks.isEmpty else { return }
        let deadline = Date().addingTimeInterval(30)
        while liveGitProcess(in: workingTree, gitDirectory: gitDirectory), Date() < deadline {
            usleep(100_000)
            if gitLockFiles(gitDirectory).isEmpty { return }
        }
        for lock in gitLockFiles(gitDirectory) { unlink(lock) }
    }

    static func gitLockFiles(_ gitDirectory: String) -> [String] {
        var result: [String] = []
        for name in ["index.lock", "HEAD.lock", "packed-refs.lock", "config.lock"] where FileManager.default.fileExists(atPath: gitDirectory + name) {
            result.append(gitDirectory + name)
        }
        if let e = FileManager.default.enumerator(atPath: gitDirectory + "refs") {
            for case let p as String in e where p.hasSuffix(".lock") { result.append(gitDirectory + "refs/" + p) }
        }
        return result
    }

    /// Whether a process other than us, named git*, has its working folder in this repository.
    static func liveGitProcess(in workingTree: String, gitDirectory: String) -> Bool {
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        let me = getpid()
        let gitDir = URL(fileURLWithPath: gitDirectory).standardizedFileURL.path
        for p in pids {
            guard let pid = Int32(p), pid != me,
                  let comm = try? String(contentsOfFile: "/proc/\(p)/comm", encoding: .utf8), comm.hasPrefix("git"),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(p)/cwd") else { continue }
            if cwd == workingTree || cwd.hasPrefix(workingTree + "/") || cwd.hasPrefix(gitDir) { return true }
        }
        return false
    }
}
