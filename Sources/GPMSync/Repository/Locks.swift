import Foundation

/// gpmsync's own locks (a `flock` on a file under `gpmsync/` in the git directory, released by the kernel
/// when a process dies, even by kill -9), and recovery of git `.lock` files a crashed process left behind.
public enum Locks {
    /// Runs `body` holding `.git/gpmsync/<name>.lock`, waiting for another gpmsync that holds it.
    public static func withExclusive<T>(_ repo: DataRepository, _ name: String = "sync", _ body: () throws -> T) throws -> T {
        let fd = try open(repo.stateDirectory, name)
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        defer { flock(fd, LOCK_UN) }
        try recoverStaleGitLocks(repo.git.gitDirectory, workingTree: repo.root)
        return try body()
    }

    /// Takes `<directory>/<name>.lock` and keeps it until the returned descriptor is closed; nil when another
    /// live process holds it past `wait` (zero: do not wait). The holder's pid is written into the file.
    public static func tryHold(directory: String, _ name: String, wait: Duration = .zero) throws -> Int32? {
        let fd = try open(directory, name)
        let deadline = ContinuousClock.now + wait
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else { close(fd); return nil }
            usleep(50_000)
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    public static func tryHold(_ repo: DataRepository, _ name: String) throws -> Int32? {
        try tryHold(directory: repo.stateDirectory, name)
    }

    /// The pid written by the holder of a lock, if any.
    public static func holder(directory: String, _ name: String) -> Int32? {
        guard let text = try? String(contentsOfFile: directory + "/\(name).lock", encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public static func holder(_ repo: DataRepository, _ name: String) -> Int32? { holder(directory: repo.stateDirectory, name) }

    private static func open(_ directory: String, _ name: String) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = Glibc.open(directory + "/\(name).lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
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

    /// On a server, the `.lock` files of the refs gpmsync writes (`refs` relative to the git directory) that
    /// a killed gpmsync left. Called only while holding the run lock, so no other gpmsync is writing. git's
    /// own processes (`receive-pack` updating `main` for a reviewer's push) lock the same refs, and theirs
    /// must never be taken. They are told apart by three signs: libgit2 keeps its `.lock` open until it
    /// renames it, so a lock open in any live process is in use; git closes its lock after writing it but
    /// holds it only within one ref transaction, in a process working in this repository; and no ref
    /// transaction lasts minutes. A lock that no process has open is stale when no git process works in the
    /// repository, or when it is older than `maximumAge`.
    /// Returns the locks removed.
    @discardableResult
    public static func recoverStaleRefLocks(gitDirectory: String, refs: [String], maximumAge: TimeInterval = 120) -> [String] {
        let gitDirectory = URL(fileURLWithPath: gitDirectory).resolvingSymlinksInPath().path + "/"
        let locks = refs.map { gitDirectory + $0 + ".lock" }.filter { FileManager.default.fileExists(atPath: $0) }
        guard !locks.isEmpty else { return [] }
        let open = filesOpenInLiveProcesses()
        let gitWorking = liveGitProcess(in: gitDirectory, gitDirectory: gitDirectory)
        var removed: [String] = []
        for lock in locks where !open.contains(lock) {
            let age = (try? FileManager.default.attributesOfItem(atPath: lock)[.modificationDate] as? Date).map { -$0.timeIntervalSinceNow } ?? 0
            if !gitWorking || age > maximumAge, unlink(lock) == 0 { removed.append(lock) }
        }
        return removed
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
        let tree = workingTree.hasSuffix("/") ? String(workingTree.dropLast()) : workingTree
        for p in pids {
            guard let pid = Int32(p), pid != me,
                  let comm = try? String(contentsOfFile: "/proc/\(p)/comm", encoding: .utf8), comm.hasPrefix("git"),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(p)/cwd") else { continue }
            if cwd == tree || cwd.hasPrefix(tree + "/") || cwd.hasPrefix(gitDir) { return true }
        }
        return false
    }

    /// Every file some live process (other than us) has open, by path.
    static func filesOpenInLiveProcesses() -> Set<String> {
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let me = getpid()
        var open: Set<String> = []
        for p in pids {
            guard let pid = Int32(p), pid != me, let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(p)/fd") else { continue }
            for fd in fds {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(p)/fd/\(fd)") { open.insert(target) }
            }
        }
        return open
    }
}
