import Foundation
import GPMSync
import Logging
import Metrics

/// The last computed `gpmsync status`, which every `/status` and `/metrics` request is served from.
/// Computing it reads and validates the municipality's whole folder (tens of seconds at 10,000 files), so
/// it is recomputed after each sync and after edits, one computation at a time on a thread of its own,
/// never per request. Edits arriving during a computation ask for one more; computations are spaced by at
/// least their own duration, so they take at most half of one core.
actor StatusSnapshot {
    /// What a request gets: the report as JSON (or, when it could not be computed, why), and when.
    struct Served: Sendable {
        var body: [UInt8]
        var failed: Bool
        var computedAt: Date
        /// The report itself, for the staff's page; nil when it could not be computed.
        var report: StatusReport?
    }

    let root: String
    let logger: Logger
    private(set) var served: Served?
    private var computing = false
    private var stale = false
    /// Requests for a fresh state are numbered; `covered` is the last one a finished computation began after.
    private var requested = 0
    private var covered = 0
    private var waiting: [(request: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private let computations = Counter(label: "gpmsync_status_computations_total")

    init(root: String, logger: Logger) {
        self.root = root
        self.logger = logger
    }

    /// Something changed: the served state is recomputed soon.
    nonisolated func invalidate() {
        Task { await self.markStale() }
    }

    /// Returns once a computation that began after this call has finished: what a page drawn after an
    /// action shows includes the action.
    func refreshed() async {
        markStale()
        let request = requested
        guard covered < request else { return }
        await withCheckedContinuation { waiting.append((request, $0)) }
    }

    private func markStale() {
        requested += 1
        stale = true
        guard !computing else { return }
        computing = true
        Task { await self.computeWhileStale() }
    }

    private func computeWhileStale() async {
        while stale {
            stale = false
            let request = requested
            let started = ContinuousClock.now
            let outcome = await Self.compute(root)
            computations.increment()
            switch outcome {
            case .success(let (json, report)):
                served = Served(body: json, failed: false, computedAt: Date(), report: report)
                Gauge(label: "gpmsync_outbox_files").record(report.outbox.files.count)
                Gauge(label: "gpmsync_outbox_commits").record(report.outbox.commits)
                Gauge(label: "gpmsync_conflicts").record(report.conflicts.count)
                Gauge(label: "gpmsync_validation_errors").record(report.invalid.count)
            case .failure(let error):
                logger.error("status could not be computed", metadata: ["error": "\(error)"])
                served = Served(body: [UInt8]("\(error)\n".utf8), failed: true, computedAt: Date(), report: nil)
            }
            covered = request
            let ready = waiting.filter { $0.request <= request }
            waiting.removeAll { $0.request <= request }
            for w in ready { w.continuation.resume() }
            if stale { try? await Task.sleep(for: ContinuousClock.now - started) }
        }
        computing = false
    }

    /// Builds the report on a thread of its own: a long computation must not hold one of the few threads
    /// that serve requests and run the other services.
    private static func compute(_ root: String) async -> Result<([UInt8], StatusReport), any Error> {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result {
                    let repo = try DataRepository(path: root)
                    let report = try StatusReport.build(repo)
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    return ([UInt8](try encoder.encode(report)), report)
                })
            }
            thread.name = "gpmsync-status"
            thread.start()
        }
    }
}
