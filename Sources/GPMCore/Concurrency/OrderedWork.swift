import Foundation

/// Independent tasks run on several threads with their results handed on in task order: the shape of a
/// validation of many files (findings written as they come) and of an export (periods written in order).
public enum OrderedWork {
    /// Threads for work spread over the machine: one per core.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `work(t)` for each task `t` in `0..<tasks` on up to `workers` threads and hands each result to
    /// `emit` in task order, as soon as that task and every one before it are done. `emit` runs on one
    /// thread at a time (whichever worker finds the next result ready), outside the lock, while the other
    /// workers go on. A worker waits for a task while `window` finished results are waiting for `emit`, so
    /// memory does not grow with the number of tasks. One task, or one worker, runs on the calling thread
    /// and starts no thread.
    ///
    /// `work` and `emit` may share state with the caller only as `work` reads it and `emit` writes it: they
    /// are not required to be `Sendable`, and the ordering above is what makes that safe.
    public static func run<Result>(tasks: Int, workers: Int = OrderedWork.defaultWorkers, window: Int? = nil,
                                   work: (Int) -> Result, emit: (Int, Result) -> Void) {
        guard tasks > 1, workers > 1 else {
            for t in 0..<tasks { emit(t, work(t)) }
            return
        }
        let run = OrderedRun<Result>(tasks: tasks, window: window ?? 4 * workers)
        withoutActuallyEscaping(work) { work in
            withoutActuallyEscaping(emit) { emit in
                let work = UncheckedSendable(work), emit = UncheckedSendable(emit)
                DispatchQueue.concurrentPerform(iterations: min(workers, tasks)) { _ in
                    while let t = run.take() {
                        run.finish(t, work.value(t), emit.value)
                    }
                }
            }
        }
    }
}

/// Tasks handed out in order to workers, and their results handed on in the same order.
private final class OrderedRun<Result>: @unchecked Sendable { // @unchecked: every access holds `condition`.
    private let condition = NSCondition()
    private let tasks: Int, window: Int
    private var nextTask = 0, nextToEmit = 0
    private var emitting = false
    private var done: [Int: Result] = [:]

    init(tasks: Int, window: Int) { self.tasks = tasks; self.window = max(1, window) }

    func take() -> Int? {
        condition.lock(); defer { condition.unlock() }
        while nextTask < tasks && nextTask >= nextToEmit + window { condition.wait() }
        guard nextTask < tasks else { return nil }
        nextTask += 1
        return nextTask - 1
    }

    func finish(_ task: Int, _ result: Result, _ emit: (Int, Result) -> Void) {
        condition.lock()
        done[task] = result
        guard !emitting else { condition.unlock(); return }
        emitting = true
        while let ready = done.removeValue(forKey: nextToEmit) {
            let t = nextToEmit
            condition.unlock()
            emit(t, ready)
            condition.lock()
            nextToEmit += 1
            condition.broadcast()
        }
        emitting = false
        condition.unlock()
    }
}

/// A value the compiler cannot prove safe to share, shared where `OrderedWork.run` makes it safe.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
