import Foundation
import GPMSync
import Logging
import Metrics
import ServiceLifecycle

/// Syncs once a changed file has been still for the debounce time, and every interval, and backs off
/// while offline. What a sync records is decided file by file by the child itself (`--settled-for`, see
/// `Settling`): exactly the files still for the debounce time, so a file being written, or replaced a
/// moment ago, waits for a later round. Each sync runs as a child `gpmsync` process: a hung network call
/// or a crash costs that child, never the daemon, and a kill -9 of either leaves what the child's own
/// crash safety leaves. A child that outlives its deadline is killed and reaped.
public actor SyncService: Service {
    public struct Settings: Sendable {
        public var root: String
        public var binary: String
        public var debounce: Duration
        public var interval: Duration
        /// How long one sync child may run before it is killed: its network deadlines plus a margin.
        public var childDeadline: Duration
        /// How long a child may take to stop after SIGTERM at shutdown before it is killed.
        public var shutdownGrace: Duration = .seconds(5)
        public var backoffCap: Duration = .seconds(15 * 60)
        public init(root: String, binary: String, debounce: Duration, interval: Duration, childDeadline: Duration) {
            self.root = root; self.binary = binary; self.debounce = debounce; self.interval = interval
            self.childDeadline = childDeadline
        }
    }

    let settings: Settings
    let logger: Logger
    /// Called after each sync (the status server recomputes what it serves).
    let onSynced: @Sendable () -> Void
    /// Paths reported changed, with the last time each changed; "" stands for the whole tree. A path waits
    /// here until a sync has started after it was still for the debounce time.
    private var changed: [String: ContinuousClock.Instant] = [:]
    private var nextSync = ContinuousClock.now
    private var offline = false
    private var backoff: Duration = .zero
    private var wake: CheckedContinuation<Void, Never>?
    private var child: ChildProcess?
    private var stopping = false
    /// A person asked for a sync (the page's "sync now"): the next one starts at once, whatever the backoff.
    private var requested = false

    let syncs = Counter(label: "gpmsync_syncs_total")
    let lastSuccess = Gauge(label: "gpmsync_last_success_timestamp_seconds")

    public init(settings: Settings, logger: Logger, onSynced: @escaping @Sendable () -> Void = {}) {
        self.settings = settings
        self.logger = logger
        self.onSynced = onSynced
    }

    /// Files changed (called by the watcher from its thread, once per batch of events).
    public nonisolated func noteChanges(_ paths: Set<String>) {
        Task { await self.record(paths) }
    }

    /// Starts a sync as soon as the one running (if any) has ended.
    public func syncNow() {
        requested = true
        resumeSleep()
    }

    /// When the next sync is due (now while one runs or was asked for), whether one is running, and
    /// whether the last one found central unreachable.
    public func schedule() -> (next: Date, running: Bool, offline: Bool) {
        let now = ContinuousClock.now
        let due = requested ? now : min(nextSync, changed.values.min().map { $0 + settings.debounce } ?? nextSync)
        let seconds = Double((due - now).components.seconds) + Double((due - now).components.attoseconds) / 1e18
        return (Date().addingTimeInterval(max(0, seconds)), child != nil, offline)
    }

    private func record(_ paths: Set<String>) {
        let now = ContinuousClock.now
        for path in paths { changed[path] = now }
        // Beyond this, one entry for the whole tree schedules the same sync at a fixed cost per event.
        if changed.count > 10_000 { changed = ["": now] }
        resumeSleep()
    }

    public func run() async throws {
        logger.info("daemon started", metadata: ["repo": "\(settings.root)"])
        // What changed while no daemon watched is judged like a fresh edit: the first sync comes after the
        // debounce, and a file still being written then is taken by a later one.
        changed[""] = .now
        nextSync = .now + settings.interval
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully && !stopping {
                let now = ContinuousClock.now
                let due = changed.values.min().map { $0 + settings.debounce }
                if requested {
                    requested = false
                    await sync(reason: "requested")
                } else if let due, due <= now {
                    await sync(reason: "edits")
                } else if now >= nextSync {
                    await sync(reason: offline ? "retry" : "interval")
                } else {
                    await sleep(until: min(nextSync, due ?? nextSync))
                }
            }
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
        logger.info("daemon stopped")
    }

    /// Ends the sleep at once and the running child within the grace time, whatever state it is in.
    private func shutdown() {
        stopping = true
        resumeSleep()
        guard let child else { return }
        let grace = settings.shutdownGrace
        Task {
            // Every step survives a kill at any instant; SIGCONT so that a stopped child acts on SIGTERM.
            child.signal(SIGTERM)
            child.signal(SIGCONT)
            try? await Task.sleep(for: grace)
            child.signal(SIGKILL)
        }
    }

    private func sleep(until deadline: ContinuousClock.Instant) async {
        let delay = deadline - .now
        guard delay > .zero, !stopping else { return }
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

    private func sync(reason: String) async {
        let started = ContinuousClock.now
        let seconds = Double(settings.debounce.components.seconds) + Double(settings.debounce.components.attoseconds) / 1e18
        // --verbose: the journal keeps what libgit2 or the system said beside the sentence for people.
        let status = await runChild(["sync", "--verbose", "--settled-for", String(seconds)])
        // What had been still for the debounce when this sync began was judged by it; later changes wait
        // for their own round.
        changed = changed.filter { $0.value > started - settings.debounce }
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
        onSynced()
    }

    /// Runs one child to its end: it exits, or the watchdog kills it at the deadline, or shutdown stops
    /// it; in every case it is reaped before this returns.
    private func runChild(_ arguments: [String]) async -> Int32 {
        guard !stopping else { return 2 }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(settings.binary, arguments + ["--repo", settings.root])
        } catch {
            logger.error("cannot start a sync", metadata: ["error": "\(error)"])
            return 2
        }
        self.child = child
        defer { self.child = nil }
        let deadline = settings.childDeadline
        let watchdog = Task { [logger] in
            try await Task.sleep(for: deadline)
            logger.error("sync did not finish in time; killed", metadata: ["pid": "\(child.pid)", "deadline": "\(deadline)"])
            child.signal(SIGKILL)
            child.signal(SIGCONT)
        }
        let status = await child.wait()
        watchdog.cancel()
        return status
    }
}
