import Foundation
import GPMCore
import Logging
import Metrics
import ServiceLifecycle

/// Watches a working tree with inotify, recursively, new folders included, and reports the relative paths
/// that changed, once per batch of events: every write (a file still being written keeps reporting), every
/// rename and deletion, folders moved in or out. Editor and spreadsheet temporaries and anything under
/// `.git` are left out. When the kernel's queue overflowed and events were lost, the whole tree is
/// watched again and reported changed ("" stands for the whole tree). Hand-written over Glibc's inotify:
/// no available package wraps it.
public final class Watcher: Service, @unchecked Sendable {
    // The descriptor and the watch table are touched only by the reading thread after start.
    let root: String
    let onChange: @Sendable (Set<String>) -> Void
    let logger: Logger
    private var fd: Int32 = -1
    private var watches: [Int32: String] = [:]
    private var warnedOfLimit = false
    private let watched = Gauge(label: "gpmsync_watched_folders")

    static let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB
                                 | IN_DELETE_SELF)

    public init(root: String, logger: Logger, onChange: @escaping @Sendable (Set<String>) -> Void) {
        self.root = root
        self.logger = logger
        self.onChange = onChange
    }

    public func run() async throws {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var ignored = Set<String>()
        addTree("", reporting: &ignored)
        watched.record(watches.count)
        logger.info("watching", metadata: ["root": "\(root)", "folders": "\(watches.count)"])
        let stop = ManagedAtomicFlag()
        let thread = Thread { [self] in readLoop(stop) }
        thread.start()
        // Waits for graceful shutdown (SIGTERM/SIGINT through the ServiceGroup) or cancellation.
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !stop.isSet {
                try? await Task.sleep(for: .milliseconds(200))
                if Task.isShuttingDownGracefully { break }
            }
        } onGracefulShutdown: {
            stop.set()
        }
        stop.set()
    }

    /// Watches the folder and every folder below it (never through a symbolic link); with `reporting`,
    /// also collects the files found, which may have been written before their folder's watch existed.
    private func addTree(_ relative: String, reporting found: inout Set<String>) {
        let path = relative.isEmpty ? root : root + "/" + relative
        // Below the root, a folder replaced by a symbolic link since it was looked at is not followed.
        let wd = inotify_add_watch(fd, path, relative.isEmpty ? Self.mask : Self.mask | UInt32(IN_DONT_FOLLOW | IN_ONLYDIR))
        guard wd >= 0 else {
            if errno == ENOSPC && !warnedOfLimit {
                warnedOfLimit = true
                logger.warning("inotify watch limit reached; raise fs.inotify.max_user_watches", metadata: ["folder": "\(relative)"])
            }
            return
        }
        watches[wd] = relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where !(relative.isEmpty && name == ".git") && !isEditorTemporary(name) {
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(root + "/" + rel, &st) == 0 else { continue }
            if st.st_mode & S_IFMT == S_IFDIR {
                addTree(rel, reporting: &found)
            } else {
                found.insert(rel)
            }
        }
    }

    /// Stops watching the folder and every folder below it: it left the tree.
    private func removeTree(_ relative: String) {
        for (wd, folder) in watches where folder == relative || folder.hasPrefix(relative + "/") {
            inotify_rm_watch(fd, wd)
            watches[wd] = nil
        }
    }

    /// After lost events: folders gone are no longer watched, every folder present is, and the whole tree
    /// counts as changed.
    private func rescan() {
        for (wd, folder) in watches {
            var st = stat()
            let path = folder.isEmpty ? root : root + "/" + folder
            if lstat(path, &st) != 0 || st.st_mode & S_IFMT != S_IFDIR {
                inotify_rm_watch(fd, wd)
                watches[wd] = nil
            }
        }
        var ignored = Set<String>()
        addTree("", reporting: &ignored)
        logger.warning("inotify queue overflowed; rescanned the tree", metadata: ["folders": "\(watches.count)"])
    }

    private func readLoop(_ stop: ManagedAtomicFlag) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !stop.isSet {
            let ready = poll(&pfd, 1, 200)
            guard ready > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { continue }
            var changed = Set<String>()
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (wd, mask, len, name) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int, String) in
                    let e = raw.load(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let bytes = raw[nameStart..<min(nameStart + Int(e.len), n)].prefix { $0 != 0 }
                    return (e.wd, e.mask, Int(e.len), String(decoding: bytes, as: UTF8.self))
                }
                offset += MemoryLayout<inotify_event>.size + len
                handle(wd: wd, mask: mask, name: name, changed: &changed)
            }
            watched.record(watches.count)
            if !changed.isEmpty { onChange(changed) }
        }
        close(fd)
    }

    private func handle(wd: Int32, mask: UInt32, name: String, changed: inout Set<String>) {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            rescan()
            changed.insert("")
            return
        }
        guard let folder = watches[wd] else { return }
        if mask & UInt32(IN_IGNORED) != 0 { watches[wd] = nil; return }
        guard !name.isEmpty, !(folder.isEmpty && name == ".git") else { return }
        if isEditorTemporary(name) {
            // Never recorded, but an entry made or removed changes its folder's times, which tell when a
            // deleted file of that folder went away (see Settling): a later round must judge it again.
            if mask & UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) != 0 { changed.insert(folder) }
            return
        }
        let rel = folder.isEmpty ? name : folder + "/" + name
        if mask & UInt32(IN_ISDIR) != 0 {
            if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(rel, reporting: &changed) }
            // Moved out of the tree (or renamed, and then moved in again under its new name): its files
            // are deleted here, and its watches would report changes made elsewhere.
            if mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 { removeTree(rel) }
        }
        changed.insert(rel)
    }
}
