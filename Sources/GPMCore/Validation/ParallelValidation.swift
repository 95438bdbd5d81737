import Foundation

extension Validator {
    /// Threads for a validation of many files: one per core.
    public static var defaultWorkers: Int { OrderedWork.defaultWorkers }

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
        let series = tasks
        OrderedWork.run(tasks: series.count, workers: workers, work: { t -> [[Diagnostic]] in
            let cache = KeyedRowsCache()
            return entries[series[t]].map { validate(entry: $0, cache: cache) }
        }, emit: { _, found in
            for file in found { emit(file) }
        })
    }

    /// The folder of a record file's series (`municipalities/<org>/data/<dataset>/`), nil for other files.
    static func seriesFolder(_ path: String) -> Substring? {
        guard path.hasPrefix("municipalities/"), path.hasSuffix(".csv"), let slash = path.lastIndex(of: "/") else { return nil }
        return path[..<slash]
    }
}
