import Foundation
import GPMSync
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `gpmsync daemon`: the watcher, the syncer and the optional status server under one ServiceGroup, with
/// graceful shutdown on SIGTERM and SIGINT. One daemon per repository.
public enum Daemon {
    public struct Options: Sendable {
        public var root: String
        public var binary: String
        public var http: LoopbackAddress?
        public init(root: String, binary: String, http: LoopbackAddress?) {
            self.root = root; self.binary = binary; self.http = http
        }
    }

    public static func run(_ options: Options) async throws {
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        let logger = Logger(label: "gpmsync")
        let repo = try DataRepository(path: options.root)
        guard let lockFD = try Locks.tryHold(repo, "daemon") else {
            throw GPMError(.usage, en: "another gpmsync daemon (pid \(Locks.holder(repo, "daemon").map(String.init) ?? "?")) already watches \(options.root)",
                           tr: "\(options.root) deposunu başka bir gpmsync daemon (pid \(Locks.holder(repo, "daemon").map(String.init) ?? "?")) zaten izliyor")
        }
        defer { close(lockFD) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let seconds = { (key: String, fallback: Double) -> Duration in
            // A setting of any size or none (nan, 1e300) gives a duration between 0 and a year.
            let value = Double(repo.setting(key) ?? "") ?? fallback
            return .milliseconds(Int(min(max(value.isNaN ? fallback : value, 0), 365 * 86_400) * 1000))
        }
        let snapshot = StatusSnapshot(root: repo.root, logger: logger)
        // Fetch and push, once more after a non-fast-forward, each within the network deadline, plus the
        // local work: a child still running after that is hung (stopped, or blocked outside the network).
        let childDeadline = min(max(repo.timeout, .zero), .seconds(86_400)) * 4 + .seconds(10)
        let syncer = SyncService(settings: .init(root: repo.root, binary: options.binary, debounce: seconds("gpmsync.debounce", 2),
                                                 interval: seconds("gpmsync.interval", 300), childDeadline: childDeadline),
                                 logger: logger, onSynced: { snapshot.invalidate() })
        let watcher = Watcher(root: repo.root, logger: logger) { paths in
            syncer.noteChanges(paths)
            snapshot.invalidate()
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: watcher), .init(service: syncer)]
        if let http = options.http {
            snapshot.invalidate()
            let staff = try StaffSite(root: repo.root, snapshot: snapshot, syncer: syncer)
            services.append(.init(service: StatusServer.make(address: http, snapshot: snapshot, registry: registry, logger: logger, staff: staff)))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // A stop requested before the group took over signal handling still ends the daemon cleanly.
        let earlyStop = Task {
            for _ in 0..<100 where !Task.isCancelled {
                if EarlySignals.requested { await group.triggerGracefulShutdown(); return }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { earlyStop.cancel() }
        try await group.run()
    }
}

/// SIGTERM or SIGINT arriving in the daemon's first moments, before the ServiceGroup installs its own
/// handling, would otherwise kill it with the default action; this handler only remembers the request.
nonisolated(unsafe) private var earlyStopRequested: sig_atomic_t = 0

public enum EarlySignals {
    /// Called first thing in the process when it is going to be a daemon.
    public static func install() {
        signal(SIGTERM) { _ in earlyStopRequested = 1 }
        signal(SIGINT) { _ in earlyStopRequested = 1 }
    }

    static var requested: Bool { earlyStopRequested != 0 }
}
