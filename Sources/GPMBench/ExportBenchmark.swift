import Foundation

extension Benchmarks {
    /// `gpmsync export --format hxl --suppress 5` on the whole tree, as a process: time (median of 3) and
    /// memory high-water mark, and what the protection suppressed. The tree is committed once to a bare
    /// repository beside it (its `main` is what the export reads).
    public func export() throws {
        let central = workspace + "/export-central.git"
        // Made once and packed here, before any timing: left to itself, the commit's `gc --auto` packed the
        // 7,900 loose objects in the background while the first exports ran (and packed the ref away, so
        // the next run made the repository again).
        if (try? Measure.shell("git --git-dir=\(central) rev-parse -q --verify refs/heads/main >/dev/null", in: workspace)) == nil {
            try? FileManager.default.removeItem(atPath: central)
            let (_, t) = try Measure.time {
                try Measure.shell("git init -q --bare -b main \(central) && git -c gc.auto=0 --git-dir=\(central) --work-tree=\(tree) add -A && git -c gc.auto=0 --git-dir=\(central) --work-tree=\(tree) commit -q -m 'Marmara tree' && git --git-dir=\(central) gc -q", in: workspace)
            }
            report(String(format: "committed the tree to %@ in %.1f s (once)", central, t))
        }
        let out = workspace + "/export-hxl", timing = workspace + "/export.time", json = workspace + "/export.json"
        var runs: [Double] = []
        var peaks: [Double] = []
        for _ in 0..<3 {
            runs.append(try Measure.time {
                try Measure.shell("/usr/bin/time -v -o \(timing) \(binary) export --format hxl --suppress 5 --central \(central) --out \(out) --report json > \(json)", in: workspace)
            }.1)
            let time = (try? String(contentsOfFile: timing, encoding: .utf8)) ?? ""
            peaks.append(time.split(separator: "\n").first { $0.contains("Maximum resident set size") }
                .flatMap { $0.split(separator: ":").last }.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0)
        }
        let result = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))) as? [String: Any]
        let export = result?["export"] as? [String: Any] ?? [:]
        let files = (export["files"] as? [[String: Any]] ?? []).map { "\(($0["path"] as? NSString)?.lastPathComponent ?? "?") \($0["rows"] ?? "?") rows" }
        func sum(_ key: String) -> Int { (export[key] as? [String: Int] ?? [:]).values.reduce(0, +) }
        report(String(format: "gpmsync export --format hxl --suppress 5, a process on the whole tree (%@ series): %.2f s (median of 3; best %.2f s), memory high-water mark %.0f MB (largest of 3); %@; %d of %d cells suppressed as small, %d more to protect them",
                      treeSeries, Measure.median(runs), runs.min()!, (peaks.max() ?? 0) / 1024, files.joined(separator: ", "),
                      sum("primary"), sum("cells"), sum("secondary")))
    }
}
