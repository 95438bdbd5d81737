import Foundation
import GPMCore
import Logging
import ServiceLifecycle

/// Watches a working tree with inotify, recursively, new folders included, and reports the relative paths
/// of files that changed. Editor and spreadsheet temporaries and anything under `.git` are left out.
/// Hand-written over Glibc's inotify: no available package wraps it.
public final class Watcher: Service, @unchecked Sendable {
    // The descriptor and the watch table are touched only by the reading thread after start.
    let root: String
    let onChange: @Sendable (String) -> Void
    let logger: Logger
    private var fd: Int32 = -1
    private var watches: [Int32: String] = [:]

    public init(root: String, logger: Logger, onChange: @escaping @Sendable (String) -> Void) {
        self.root = root
        self.logger = logger
        self.onChange = onChange
    }

    public func run() async throws {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        addTree("")
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

    private func addTree(_ relative: String) {
        let path = relative.isEmpty ? root : root + "/" + relative
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB | IN_DELETE_SELF)
        let wd = inotify_add_watch(fd, path, mask)
        if wd >= 0 { watches[wd] = relative }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where !(relative.isEmpty && name == ".git") {
            let rel = relative.isEmpty ? name : relative + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir), isDir.boolValue {
                addTree(rel)
                // Files written into a new folder before its watch existed still count.
                report(rel)
            }
        }
    }

    private func report(_ relativeFolder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root + "/" + relativeFolder) else { return }
        for name in names where !isEditorTemporary(name) { onChange(relativeFolder + "/" + name) }
    }

    private func readLoop(_ stop: ManagedAtomicFlag) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !stop.isSet {
            let ready = poll(&pfd, 1, 200)
            guard ready > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { continue }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (wd, mask, len, name) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int, String) in
                    let e = raw.load(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let bytes = raw[nameStart..<(nameStart + Int(e.len))].prefix { $0 != 0 }
                    return (e.wd, e.mask, Int(e.len), String(decoding: bytes, as: UTF8.self))
                }
                offset += MemoryLayout<inotify_event>.size + len
                guard let folder = watches[wd] else { continue }
                if mask & UInt32(IN_IGNORED) != 0 { watches[wd] = nil; continue }
                guard !name.isEmpty, !(folder.isEmpty && name == ".git"), !isEditorTemporary(name) else { continue }
                let rel = folder.isEmpty ? name : folder + "/" + name
                if mask & UInt32(IN_ISDIR) != 0 {
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(rel); report(rel) }
                    continue
                }
                onChange(rel)
            }
        }
        close(fd)
    }
}

/// A flag set once, read from several threads.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
