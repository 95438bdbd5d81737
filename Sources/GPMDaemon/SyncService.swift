import Foundation
import GPMSync
import Logging
import Metrics
import ServiceLifecycle

/// Commits after edits stop for the debounce time (never a half-written file: sizes and mtimes must hold
/// still), syncs right after each commit and every interval, and backs off while offline. Each step runs
/// as a child `gpmsync` process: a hung network call or a crash costs that child, never the daemon, and a
/// kill -9 of either leaves what the child's own crash safety leaves.
public actor SyncService: Service {
    public struct Settings: Sendable {
        public var root: String
        public var binary: String
        public var debounce: Duration
        public var interval: Duration
        public var backoffCap: Duration = .seconds(15 * 60)
        public init(root: String, binary: String, debounce: Duration, interval: Duration) {
            self.root = root; self.binary = binary; self.debounce = debounce; self.interval = interval
        }
    }

    let settings: Settings
    let logger: Logger
    private var pending: [String: FileStamp] = [:]
    private var lastEvent = ContinuousClock.now
    private var nextSync = ContinuousClock.now
    private var offline = false
    private var backoff: Duration = .zero
    private var wake: CheckedContinuation<Void, Never>?
    private var child: Process?

    let syncs = Counter(label: "gpmsync_syncs_total")
    let lastSuccess = Gauge(label: "gpmsync_last_success_timestamp_seconds")

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// A file changed (called by the watcher from its thread).
    public nonisolated func noteChange(_ path: String) {
        Task { await self.record(path) }
    }

    private func record(_ path: String) {
        pending[path] = FileStamp(root: settings.root, path: path)
        lastEvent = .now
        wake?.resume()
        wake = nil
    }

    public func run() async throws {
        logger.info("daemon started", metadata: ["repo": "\(settings.root)"])
        await runStep(["sync"], reason: "start")
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let now = ContinuousClock.now
                if !pending.isEmpty, now - lastEvent >= settings.debounce {
                    // Half-written files change size or mtime between two looks: wait for them to settle.
                    let unstable = pending.filter { $0.value != FileStamp(root: settings.root, path: $0.key) }
                    if unstable.isEmpty {
                        pending.removeAll()
                        await runStep(["sync"], reason: "edits")
                        continue
                    }
                    for (k, _) in unstable { pending[k] = FileStamp(root: settings.root, path: k) }
                    lastEvent = now
                }
                if now >= nextSync {
                    await runStep(["sync"], reason: offline ? "retry" : "interval")
                    continue
                }
                await sleep(until: pending.isEmpty ? nextSync : min(nextSync, lastEvent + settings.debounce))
            }
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
        logger.info("daemon stopped")
    }

    private func shutdown() {
        wake?.resume()
        wake = nil
        // The current step is abandoned safely: every step survives a kill at any instant.
        if let child, child.isRunning { child.terminate() }
    }

    private func sleep(until deadline: ContinuousClock.Instant) async {
        let delay = deadline - .now
        guard delay > .zero else { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            wake = c
            Task { [weak self] in
                try? await Task.sleep(for: delay)
                await self?.resumeSleep()
            }
        }
    }

    private func resumeSleep() {
        wake?.resume()
        wake = nil
    }

    private func runStep(_ arguments: [String], reason: String) async {
        let status = await runChild(arguments)
        syncs.increment()
        switch status {
        case 0, 4:
            if offline { logger.notice("central reachable again; outbox sent") }
            offline = false
            backoff = .zero
            nextSync = .now + settings.interval
            lastSuccess.record(Date().timeIntervalSince1970)
            if status == 4 { logger.warning("conflicts recorded; run gpmsync conflicts") }
            Counter(label: "gpmsync_sync_results_total", dimensions: [("result", status == 0 ? "ok" : "conflict")]).increment()
        case 3:
            if !offline { logger.warning("central unreachable; working offline, edits are kept and will be sent later") }
            offline = true
            // Exponential from the shorter of 5 s and the interval, capped at 15 min.
            backoff = backoff == .zero ? min(.seconds(5), settings.interval) : min(backoff * 2, settings.backoffCap)
            let jitter = Double.random(in: 0.8...1.2)
            nextSync = .now + backoff * jitter
            Counter(label: "gpmsync_sync_failures_total", dimensions: [("kind", "offline")]).increment()
        default:
            logger.error("sync failed", metadata: ["exit": "\(status)", "reason": "\(reason)"])
            nextSync = .now + settings.interval
            Counter(label: "gpmsync_sync_failures_total", dimensions: [("kind", status == 1 ? "refused" : "error")]).increment()
        }
        Gauge(label: "gpmsync_offline").record(offline ? 1 : 0)
    }

    private func runChild(_ arguments: [String]) async -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: settings.binary)
        p.arguments = arguments + ["--repo", settings.root]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.standardError
        child = p
        defer { child = nil }
        return await withCheckedContinuation { (c: CheckedContinuation<Int32, Never>) in
            p.terminationHandler = { c.resume(returning: $0.terminationStatus) }
            do { try p.run() } catch {
                p.terminationHandler = nil
                c.resume(returning: 2)
            }
        }
    }
}

/// Size and modification time of a file, to tell a finished write from one still going on.
struct FileStamp: Equatable, Sendable {
    var size: Int64
    var mtime: Int64

    init(root: String, path: String) {
        var st = stat()
        if lstat(root + "/" + path, &st) == 0 {
            size = Int64(st.st_size)
            mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        } else {
            size = -1
            mtime = 0
        }
    }
}
