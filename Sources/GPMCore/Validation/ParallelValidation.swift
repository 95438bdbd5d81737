import Foundation

extension Validator {
    /// Threads for a validation of many files: one per core.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Validates `entries` and hands each file's findings to `emit`, in the order of `entries`, as soon as
    /// that file and every file before it are done, so a caller can write them out while the rest runs.
    ///
    /// Files are independent apart from the outlier rule, which reads a file's earlier periods: the files of
    /// one series (one municipality's folder of one dataset, consecutive in `entries`) go to one worker, in
    /// order, with its own cache of the tables it read; different series run on different cores. One series
    /// (the daemon's or the hook's single file) runs on the calling thread and starts no thread. At most a
    /// few series per worker are finished ahead of the one being written, so memory does not grow with the
    /// number of findings.
    public func validate(entries: [FileEntry], workers: Int = Validator.defaultWorkers, emit: ([Diagnostic]) -> Void) {
        var tasks: [Range<Int>] = []
        var start = 0
        for i in entries.indices.dropFirst() {
            let folder = Self.seriesFolder(entries[i].path)
            if folder == nil || folder != Self.seriesFolder(entries[start].path) {
                tasks.append(start..<i)
                start = i
            }
        }
        if !entries.isEmpty { tasks.append(start..<entries.count) }
        guard tasks.count > 1, workers > 1 else {
            for e in entries { emit(validate(entry: e)) }
            return
        }
        let run = OrderedRun(tasks: tasks.count, window: 4 * workers)
        let series = tasks
        withoutActuallyEscaping(emit) { emit in
            let emit = UncheckedSendable(emit)
            DispatchQueue.concurrentPerform(iterations: min(workers, series.count)) { _ in
                while let t = run.take() {
                    let cache = KeyedRowsCache()
                    let found = entries[series[t]].map { validate(entry: $0, cache: cache) }
                    run.finish(t, found, emit.value)
                }
            }
        }
    }

    /// The folder of a record file's series (`municipalities/<org>/data/<dataset>/`), nil for other files.
    static func seriesFolder(_ path: String) -> Substring? {
        guard path.hasPrefix("municipalities/"), path.hasSuffix(".csv"), let slash = path.lastIndex(of: "/") else { return nil }
        return path[..<slash]
    }
}

/// Tasks handed out in order to workers, and their results handed on in the same order: whichever worker
/// finds the next result ready writes it (and every ready one after it) outside the lock, while the others
/// go on validating. A worker waits for a task while `window` finished ones are waiting to be written.
private final class OrderedRun: @unchecked Sendable { // @unchecked: every access holds `condition`.
    private let condition = NSCondition()
    private let tasks: Int, window: Int
    private var nextTask = 0, nextToEmit = 0
    private var emitting = false
    private var done: [Int: [[Diagnostic]]] = [:]

    init(tasks: Int, window: Int) { self.tasks = tasks; self.window = window }

    func take() -> Int? {
        condition.lock(); defer { condition.unlock() }
        while nextTask < tasks && nextTask >= nextToEmit + window { condition.wait() }
        guard nextTask < tasks else { return nil }
        nextTask += 1
        return nextTask - 1
    }

    func finish(_ task: Int, _ found: [[Diagnostic]], _ emit: ([Diagnostic]) -> Void) {
        condition.lock()
        done[task] = found
        guard !emitting else { condition.unlock(); return }
        emitting = true
        while let ready = done.removeValue(forKey: nextToEmit) {
            condition.unlock()
            for file in ready { emit(file) }
            condition.lock()
            nextToEmit += 1
            condition.broadcast()
        }
        emitting = false
        condition.unlock()
    }
}

/// A value the compiler cannot prove safe to share, shared where the code above makes it safe: `emit` is
/// only ever called by the one worker that holds the `emitting` turn.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
