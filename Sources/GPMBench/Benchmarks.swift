import Foundation
import GPMCore
import GPMSync
import Git
import LoopbackServers
import GPMSampleData

/// `gpmsync-bench`: figures at Marmara scale, each against the tool people would otherwise use, measured in
/// the same run on the same files.
public struct Benchmarks {
    public let workspace: String
    public let binary: String
    public let report: (String) -> Void

    public init(workspace: String, binary: String, report: @escaping (String) -> Void) {
        self.workspace = URL(fileURLWithPath: workspace).standardizedFileURL.path
        self.binary = binary
        self.report = report
    }

    var tree: String { workspace + "/tree" }

    /// Which series the tree holds, written beside it when it is generated.
    var treeSeries: String { (try? String(contentsOfFile: workspace + "/tree.series", encoding: .utf8)) ?? "?" }

    /// Generates the Marmara-scale tree once (kept between runs).
    public func generate(municipalities: Int = 190, months: Int = 36, series: MarmaraGenerator.Series = .realistic) throws -> MarmaraGenerator.Summary {
        var g = MarmaraGenerator()
        g.municipalities = municipalities
        g.months = months
        g.series = series
        try? FileManager.default.removeItem(atPath: tree)
        let (summary, seconds) = try Measure.time { try g.write(to: tree, template: CentralSetup.templateFiles) }
        try series.rawValue.write(toFile: workspace + "/tree.series", atomically: true, encoding: .utf8)
        report(String(format: "generated %d files, %d rows, %.1f MB in %.1f s under %@ (%@ series)", summary.files, summary.rows,
                      Double(summary.bytes) / 1e6, seconds, tree, series.rawValue))
        return summary
    }

    // MARK: Outliers

    /// The outlier rule on generated ordinary series with planted typing errors, one line per seed.
    public func outliers(seeds: [UInt64] = [1, 2, 3]) {
        for seed in seeds {
            let calibration = OutlierCalibration(seed: seed)
            let (r, t) = Measure.time { calibration.run() }
            report(String(format: "outliers, seed %llu: %d ordinary values, %d flagged = %.3f%% false alarms (at most 0.5%%); %d typing errors, %d flagged = %.2f%% recall (at least 95%%); %.1f s",
                          seed, r.judged, r.falseAlarms, r.falseAlarmRate * 100, r.planted, r.found, r.recall * 100, t))
        }
    }

    // MARK: Validation

    /// Full validation of the tree on one core (all domain rules, outliers included), one changed file, and
    /// frictionless-py on a sample of the same files.
    public func validation(sampleFiles: Int = 60) throws {
        let source = DirectorySource(root: tree)
        // Three runs, the median reported: this machine's timings vary by ±20 % from run to run.
        var runs: [Double] = []
        var diagnostics: [Diagnostic] = []
        for _ in 0..<3 {
            let (d, t) = Measure.time { Validator(source: source).validateAll() }
            diagnostics = d
            runs.append(t)
        }
        let full = Measure.median(runs)
        let files = source.files().filter { $0.path.hasSuffix(".csv") && $0.path.hasPrefix("municipalities/") }
        let rows = files.reduce(0) { $0 + max(0, (source.bytes(at: $1.path)?.filter { $0 == 0x0A }.count ?? 1) - 1) }
        let errors = diagnostics.filter(\.isError).count
        let outliers = diagnostics.filter { $0.rule == "outlier" }.count
        report(String(format: "gpmsync validate in process, whole tree: %d files, %d rows in %.2f s (median of 3; best %.2f s) = %.0f rows/s on %d cores (%d errors, %d warnings, %d of them outliers: %.3f%% of %d measure cells)",
                      files.count, rows, full, runs.min()!, Double(rows) / full, Validator.defaultWorkers, errors, diagnostics.count - errors,
                      outliers, Double(outliers) / Double(measureCells(source, files)) * 100, measureCells(source, files)))
        // One changed file on the same tree: what commit and the pre-commit hook pay.
        let one = files[files.count / 2].path
        var times: [Double] = []
        for _ in 0..<5 {
            let (_, t) = Measure.time { Validator(source: source).validate(paths: [one]) }
            times.append(t)
        }
        report("gpmsync validate, one changed file (\(one)): median \(Measure.ms(Measure.median(times))) of 5")
        // frictionless-py on an evenly spread sample (the whole tree would take it many minutes).
        let step = max(1, files.count / sampleFiles)
        let sample = stride(from: 0, to: files.count, by: step).map { files[$0].path }
        let package = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tree + "/datapackage.json"))) as! [String: Any]
        let resources = package["resources"] as! [[String: Any]]
        var generated = resources.filter { $0["path"] != nil }
        for (n, path) in sample.enumerated() {
            var r = resources.first { $0["name"] as? String == (path.contains("/services/") ? "services" : "residents") }!
            r["data"] = nil; r["gpmsync"] = nil; r["name"] = "f\(n)"; r["path"] = path; r["format"] = "csv"
            generated.append(r)
        }
        try JSONSerialization.data(withJSONObject: ["name": "bench", "resources": generated]).write(to: URL(fileURLWithPath: tree + "/bench-sample.json"))
        let sampleRows = sample.reduce(0) { $0 + max(0, (source.bytes(at: $1)?.filter { $0 == 0x0A }.count ?? 1) - 1) }
        let (_, fl) = try Measure.time { try Measure.shell("python3 -m frictionless validate --json bench-sample.json > /dev/null || true", in: tree) }
        // Gone before gpmsync validates the whole tree, where it would be a file outside the layout.
        try FileManager.default.removeItem(atPath: tree + "/bench-sample.json")
        let (_, ours) = Measure.time { Validator(source: source).validate(paths: sample) }
        report(String(format: "same %d files (%d rows): frictionless %.2f s = %.0f rows/s; gpmsync %.3f s = %.0f rows/s (with the 12 earlier periods each file's outlier rule reads); ratio %.1f×",
                      sample.count, sampleRows, fl, Double(sampleRows) / fl, ours, Double(sampleRows) / ours, fl / ours))
        let frictionlessRate = Double(sampleRows) / fl
        report(String(format: "whole-tree rate against frictionless's rate on the sample: %.0f×", (Double(rows) / full) / frictionlessRate))
        try validationProcess(rows: rows, sampleRate: frictionlessRate,
                              bigFile: files.filter { $0.path.contains("/services/") }.prefix(200).map(\.path), package: package)
    }

    /// frictionless-py at its best, made ready to run: one file of 200 services tables (its start-up spread
    /// over 50,000 rows), with the foreign keys to the code lists but no primary key (the tables' keys
    /// repeat once joined). Written in a folder of its own beside the tree (with a copy of the code lists),
    /// so that gpmsync, validating the tree in the same rounds, does not see it. Returns its rows, the
    /// command that validates it, and the folder to run it in.
    func frictionlessOnOneFile(files: [String], package: [String: Any]) throws -> (rows: Int, command: String, folder: String) {
        let folder = workspace + "/frictionless-big"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: tree + "/codelists", toPath: folder + "/codelists")
        var text = ""
        for (i, path) in files.enumerated() {
            let t = try String(contentsOfFile: tree + "/" + path, encoding: .utf8)
            text += i == 0 ? t : String(t[t.index(after: t.firstIndex(of: "\n")!)...])
        }
        try text.write(toFile: folder + "/bench-big.csv", atomically: true, encoding: .utf8)
        let resources = package["resources"] as! [[String: Any]]
        var services = resources.first { $0["name"] as? String == "services" }!
        services["data"] = nil; services["gpmsync"] = nil; services["name"] = "big"; services["path"] = "bench-big.csv"; services["format"] = "csv"
        var schema = services["schema"] as! [String: Any]
        schema["primaryKey"] = nil
        services["schema"] = schema
        try JSONSerialization.data(withJSONObject: ["name": "bench-big", "resources": [services] + resources.filter { $0["path"] != nil }])
            .write(to: URL(fileURLWithPath: folder + "/bench-big.json"))
        let rows = text.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } - 1
        return (rows, "python3 -m frictionless validate --json bench-big.json > /dev/null || true", folder)
    }

    /// Measure cells of the tree's tables (two per services row, one per residents row).
    func measureCells(_ source: DirectorySource, _ files: [FileEntry]) -> Int {
        files.reduce(0) { n, f in
            let rows = max(0, (source.bytes(at: f.path)?.filter { $0 == 0x0A }.count ?? 1) - 1)
            return n + rows * (f.path.contains("/services/") ? 2 : 1)
        }
    }

    /// The shipped command as a process: `gpmsync validate --format json` on the whole tree, the JSON written
    /// to a file, timed and its memory high-water mark read from `/usr/bin/time -v`; against frictionless-py
    /// at its best (one large file), the two run in turn in each of five rounds, so that a machine whose
    /// speed drifts (a shared one does, by a third from minute to minute) slows both alike. The ratio
    /// reported is the median of the rounds' ratios.
    static let processRounds = 5

    func validationProcess(rows: Int, sampleRate: Double, bigFile: [String], package: [String: Any]) throws {
        let output = workspace + "/validate.json", timing = workspace + "/validate.time"
        let big = try frictionlessOnOneFile(files: bigFile, package: package)
        var runs: [Double] = [], frictionlessRuns: [Double] = [], ratios: [Double] = []
        for _ in 0..<Self.processRounds {
            let (_, f) = try Measure.time { try Measure.shell(big.command, in: big.folder) }
            let (_, t) = try Measure.time {
                try Measure.shell("/usr/bin/time -v -o \(timing) \(binary) validate --repo \(tree) --format json > \(output) || [ $? -eq 1 ]", in: workspace)
            }
            frictionlessRuns.append(f); runs.append(t)
            ratios.append((Double(rows) / t) / (Double(big.rows) / f))
        }
        try FileManager.default.removeItem(atPath: big.folder)
        let bigRate = Double(big.rows) / Measure.median(frictionlessRuns)
        report(String(format: "frictionless on one file of %d services tables (%d rows, foreign keys, no primary key): %.2f s = %.0f rows/s (median of %d: %@ s)",
                      bigFile.count, big.rows, Measure.median(frictionlessRuns), bigRate, Self.processRounds,
                      frictionlessRuns.map { String(format: "%.2f", $0) }.joined(separator: " ")))
        let t = Measure.median(runs)
        let time = (try? String(contentsOfFile: timing, encoding: .utf8)) ?? ""
        let rss = time.split(separator: "\n").first { $0.contains("Maximum resident set size") }
            .flatMap { $0.split(separator: ":").last }.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        // The counts close the streamed document: read its tail, not the whole file.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: output))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size > 200 ? size - 200 : 0)
        let tail = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        try handle.close()
        func count(_ key: String) -> String {
            tail.range(of: "\"\(key)\": ").map { String(tail[$0.upperBound...].prefix { $0.isNumber }) } ?? "?"
        }
        report(String(format: "gpmsync validate --format json, a process on the whole tree (%@ series): %d rows in %.2f s (median of %d: %@ s) = %.0f rows/s; %.0f× frictionless's rate on one large file (median of the rounds' ratios %@; best %.0f×), %.0f× its rate on the sample; %@ errors, %@ warnings, %.1f MB of JSON; memory high-water mark %.0f MB",
                      treeSeries, rows, t, Self.processRounds, runs.map { String(format: "%.2f", $0) }.joined(separator: " "), Double(rows) / t,
                      Measure.median(ratios), ratios.map { String(format: "%.0f", $0) }.joined(separator: " "), ratios.max()!,
                      Double(rows) / t / sampleRate, count("errors"), count("warnings"), Double(size) / 1e6, rss / 1024))
    }

    // MARK: Sync

    /// A central repository holding the tree on `main`, served by one git daemon per user.
    final class Served {
        let central: String
        let servers: LoopbackGitServers
        var urls: [String: String] = [:]

        init(workspace: String, tree: String, binary: String, users: [(String, String?)], autoAccept: Bool = false) throws {
            central = workspace + "/central.git"
            try? FileManager.default.removeItem(atPath: central)
            try Measure.shell("\(binary) central init \(central) >/dev/null", in: workspace)
            for (user, org) in users {
                try Measure.shell("\(binary) central grant \(user) --role \(org == nil ? "reviewer" : "municipality") \(org.map { "--org-unit \($0)" } ?? "") --central \(central) >/dev/null", in: workspace)
            }
            if autoAccept { try Measure.shell("git config gpmsync.autoAccept valid", in: central) }
            // The data arrives as an admin's commit pushed straight into the bare repository.
            let seed = workspace + "/seed"
            try? FileManager.default.removeItem(atPath: seed)
            try Measure.shell("git clone -q \(central) \(seed) && cp -r \(tree)/municipalities \(seed)/ && cd \(seed) && git add -A && git commit -qm 'Marmara data' --no-verify && git push -q origin main", in: workspace, environment: ["GPMSYNC_USER": "gpm-admin"])
            try FileManager.default.removeItem(atPath: seed)
            servers = LoopbackGitServers(base: workspace)
            for (user, _) in users { urls[user] = try servers.start(user) }
        }

        func stop() { servers.stopAll() }
    }

    /// One changed file, full cycle: `gpmsync sync` against the git CLI doing add, commit, pull, push on an
    /// identical clone, both through the same server and hook.
    public func sync(rounds: Int = 5) throws {
        let orgs = CSV.parse(Array(CentralSetup.templateFiles["codelists/org_units.csv"]!.utf8)).rows.map { $0.fields[0] }
        let (a, b) = (orgs[0], orgs[1])
        let served = try Served(workspace: workspace, tree: tree, binary: binary, users: [("bench-a", a), ("bench-b", b)])
        defer { served.stop() }
        let mine = workspace + "/clone-gpmsync", cli = workspace + "/clone-git"
        for d in [mine, cli] { try? FileManager.default.removeItem(atPath: d) }
        try Measure.shell("\(binary) init \(mine) --org-unit \(a) --central \(served.urls["bench-a"]!) --user bench-a >/dev/null && \(binary) sync --repo \(mine) >/dev/null", in: workspace)
        try Measure.shell("git clone -q \(served.urls["bench-b"]!) \(cli) && cd \(cli) && git push -q origin HEAD:refs/heads/contrib/\(b)", in: workspace)
        var ours: [Double] = [], theirs: [Double] = []
        for round in 0..<rounds {
            for (clone, org) in [(mine, a), (cli, b)] {
                let file = "\(clone)/municipalities/\(org)/data/services/2025-12.csv"
                var text = try String(contentsOfFile: file, encoding: .utf8)
                text = text.replacingOccurrences(of: ",service_log,,\n", with: ",service_log,,r\(round)\n", options: [], range: text.range(of: ",service_log,,\n"))
                try text.write(toFile: file, atomically: true, encoding: .utf8)
            }
            let (trace, t) = try Measure.time { try Measure.shell("\(binary) sync --repo \(mine) >/dev/null", in: workspace) }
            ours.append(t)
            // With GPMSYNC_TRACE set, sync's step timings (on standard error) are shown.
            if ProcessInfo.processInfo.environment["GPMSYNC_TRACE"] != nil { report(trace + "total \(Measure.ms(t))") }
            theirs.append(try Measure.time {
                try Measure.shell("git add -A && git commit -qm edit && git pull -q --no-rebase origin main && git push -q origin HEAD:refs/heads/contrib/\(b)", in: cli)
            }.1)
        }
        let (o, t) = (Measure.median(ours), Measure.median(theirs))
        report(String(format: "one changed file, full cycle (median of %d): gpmsync sync %@, git add/commit/pull/push %@; ratio %.2f",
                      rounds, Measure.ms(o), Measure.ms(t), o / t))
    }

    // MARK: First clone

    /// A municipality's first `gpmsync init` of the Marmara-scale central against `git clone` of the same
    /// central through the same `git daemon`, alternating, median of `rounds`. Both write every object and
    /// check out every file; `init` also checks the org unit and adds the profile.
    public func clone(rounds: Int = 5) throws {
        let orgs = CSV.parse(Array(CentralSetup.templateFiles["codelists/org_units.csv"]!.utf8)).rows.map { $0.fields[0] }
        let served = try Served(workspace: workspace, tree: tree, binary: binary, users: [("bench-a", orgs[0])])
        defer { served.stop() }
        let url = served.urls["bench-a"]!
        let files = try Measure.shell("git ls-tree -r --name-only main | wc -l", in: served.central).trimmingCharacters(in: .whitespacesAndNewlines)
        let packed = try Measure.shell("git count-objects -vH | sed -n 's/^size-pack: //p'", in: served.central).trimmingCharacters(in: .whitespacesAndNewlines)
        var ours: [Double] = [], theirs: [Double] = [], durable: [Double] = []
        let mine = workspace + "/first-clone-gpmsync", cli = workspace + "/first-clone-git"
        // Each run starts from the same state: its folder gone and the page cache's dirty pages written
        // (`sync`, untimed), so no run pays for the writeback of the one before.
        func timed(_ folder: String, _ command: String) throws -> Double {
            try? FileManager.default.removeItem(atPath: folder)
            try Measure.shell("sync", in: workspace)
            let (trace, t) = try Measure.time { try Measure.shell(command, in: workspace) }
            if ProcessInfo.processInfo.environment["GPMSYNC_TRACE"] != nil, !trace.isEmpty { report(trace + "total \(Measure.ms(t))") }
            return t
        }
        for round in 0..<rounds {
            // Alternate who goes first, so neither always meets a cold or a warm page cache.
            let gpm = { try timed(mine, "\(self.binary) init \(mine) --org-unit \(orgs[0]) --central \(url) --user bench-a >/dev/null") }
            let cliClone = { try timed(cli, "git clone -q \(url) \(cli)") }
            if round % 2 == 0 { ours.append(try gpm()); theirs.append(try cliClone()) } else { theirs.append(try cliClone()); ours.append(try gpm()) }
            // git made as durable as gpmsync, which fsyncs every object, ref and index it writes: the index's
            // fsync after checkout is what writes the whole new working tree out to the disk.
            durable.append(try timed(cli, "git -c core.fsync=all clone -q \(url) \(cli)"))
        }
        let (o, t) = (Measure.median(ours), Measure.median(theirs))
        let pairwise = Measure.median(zip(ours, theirs).map { $0 / $1 })
        let d = Measure.median(durable)
        report(String(format: "first clone of central (%@ files, pack %@) over git:// (median of %d): gpmsync init %.2f s, git clone %.2f s; ratio %.2f (median of the rounds' ratios %.2f); git -c core.fsync=all clone %.2f s, ratio %.2f (runs: gpmsync %@; git %@; git fsync=all %@)",
                      files, packed, rounds, o, t, o / t, pairwise, d, o / d, ours.map { String(format: "%.2f", $0) }.joined(separator: " "),
                      theirs.map { String(format: "%.2f", $0) }.joined(separator: " "), durable.map { String(format: "%.2f", $0) }.joined(separator: " ")))
    }

    // MARK: Central

    /// 190 contributions of 4 changed files each: `central process` with auto-accept against a git CLI loop
    /// merging the same branches into main without validation.
    public func central(contributions: Int = 190) throws {
        let served = try Served(workspace: workspace, tree: tree, binary: binary, users: [], autoAccept: true)
        served.stop()
        let orgs = try plantContributions(central: served.central, count: contributions)
        let cliCopy = workspace + "/central-cli.git"
        try? FileManager.default.removeItem(atPath: cliCopy)
        try Measure.shell("cp -r \(served.central) \(cliCopy) && rm -f \(cliCopy)/hooks/pre-receive", in: workspace)
        let (_, ours) = try Measure.time { try Measure.shell("\(binary) central process --central \(served.central) >/dev/null", in: workspace) }
        let merged = try Measure.shell("git rev-list --count --merges main", in: served.central).trimmingCharacters(in: .whitespacesAndNewlines)
        let work = workspace + "/central-cli-work"
        try? FileManager.default.removeItem(atPath: work)
        try Measure.shell("git clone -q \(cliCopy) \(work)", in: workspace)
        let (_, theirs) = try Measure.time {
            try Measure.shell("for b in $(git for-each-ref --format='%(refname:short)' refs/remotes/origin/contrib/); do git merge -q --no-edit \"$b\" >/dev/null || exit 1; done && git push -q origin main", in: work)
        }
        report(String(format: "%d contributions × 4 files: gpmsync central process (validate, note, merge) %.2f s (%@ merges); git CLI merge loop %.2f s; ratio %.2f",
                      orgs.count, ours, merged, theirs, ours / theirs))
    }

    /// `count` contributions of 4 changed files each (a comment added to the first row of each of the last
    /// four months' services), written straight into the central repository as `contrib/<org>` branches.
    func plantContributions(central: String, count: Int) throws -> [String] {
        let repo = try Repository.open(central)
        let main = try repo.reference(Refs.main)!
        let base = try repo.treeEntries(try repo.commit(main).tree)
        let orgs = Array(Set(base.keys.compactMap { RepositoryPath($0).orgUnit })).sorted().prefix(count)
        for org in orgs {
            var tree = base
            for month in ["2025-09", "2025-10", "2025-11", "2025-12"] {
                let path = "municipalities/\(org)/data/services/\(month).csv"
                guard let entry = base[path] else { continue }
                var text = String(decoding: try repo.readBlob(entry.id), as: UTF8.self)
                text = text.replacingOccurrences(of: ",service_log,,\n", with: ",service_log,,checked\n", options: [], range: text.range(of: ",service_log,,\n"))
                tree[path] = TreeEntry(id: try repo.writeBlob(Array(text.utf8)))
            }
            let c = try repo.createCommit(tree: try repo.writeTree(tree), parents: [main], message: "\(org): 4 files\n",
                                          author: Signature(name: "bench", email: "bench@example.invalid"))
            try repo.setReference(Refs.contrib(org), to: c, message: "bench")
        }
        return Array(orgs)
    }

    // MARK: Console

    /// The reviewers' console on a central holding the tree and `contributions` pending contributions
    /// (noted `received` by `central process`): `gpmsync serve` as a process, each page requested 21 times
    /// with curl (the first is not counted), the median of 20; the server's memory high-water mark.
    public func console(contributions: Int = 164) throws {
        let served = try Served(workspace: workspace, tree: tree, binary: binary, users: [("bench-reviewer", nil)])
        served.stop()
        let orgs = try plantContributions(central: served.central, count: contributions)
        try Measure.shell("\(binary) central process --central \(served.central) >/dev/null", in: workspace)
        let server = try ServerProcess(binary, environment: ["LANG": "C"]) { port in
            ["serve", "--central", served.central, "--listen", "127.0.0.1:\(port)", "--trust-proxy",
             "--passwords", self.workspace + "/console-passwords"]
        }
        defer { server.stop() }
        func median(_ path: String) throws -> Double {
            let curl = "curl -s -o /dev/null -w '%{http_code} %{time_total}\\n' -H 'REMOTE_USER: bench-reviewer' http://127.0.0.1:\(server.port)\(path)"
            var times: [Double] = []
            for i in 0..<21 {
                let out = try Measure.shell(curl, in: workspace).split(separator: " ")
                guard out.first == "200" else { throw BenchError("\(path) answered \(out.first ?? "nothing")") }
                if i > 0 { times.append(Double(out[1].trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan) }
            }
            return Measure.median(times)
        }
        let queue = try median("/queue")
        let contribution = try median("/contributions/\(orgs[orgs.count / 2])")
        let completeness = try median("/completeness")
        let status = (try? String(contentsOfFile: "/proc/\(server.pid)/status", encoding: .utf8)) ?? ""
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) } ?? "?"
        report(String(format: "console on %d pending contributions (median of 20 requests): queue %@ (target < 150 ms), contribution with 4 changed files and charts %@ (< 150 ms), completeness %@ (< 300 ms); server memory high-water mark %@ (< 100 MB)",
                      orgs.count, Measure.ms(queue), Measure.ms(contribution), Measure.ms(completeness), hwm))
    }

    // MARK: Daemon

    /// Latency from a file's rename to its arrival on central (default debounce), idle CPU and resident
    /// memory of the daemon on the Marmara-scale tree.
    public func daemon(rounds: Int = 3) throws {
        let orgs = CSV.parse(Array(CentralSetup.templateFiles["codelists/org_units.csv"]!.utf8)).rows.map { $0.fields[0] }
        let org = orgs[0]
        let served = try Served(workspace: workspace, tree: tree, binary: binary, users: [("bench-a", org)])
        defer { served.stop() }
        let clone = workspace + "/clone-daemon"
        try? FileManager.default.removeItem(atPath: clone)
        try Measure.shell("\(binary) init \(clone) --org-unit \(org) --central \(served.urls["bench-a"]!) --user bench-a >/dev/null", in: workspace)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["daemon", "--repo", clone]
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { kill(p.processIdentifier, SIGTERM); p.waitUntilExit() }
        let central = served.central
        func contribTip() -> String { (try? Measure.shell("git rev-parse -q --verify refs/heads/contrib/\(org) || true", in: central)) ?? "" }
        // Settled: the first sync has pushed the profile.
        let settleDeadline = Date().addingTimeInterval(60)
        while contribTip().isEmpty && Date() < settleDeadline { usleep(50_000) }
        var latencies: [Double] = []
        for round in 0..<rounds {
            let before = contribTip()
            let file = "\(clone)/municipalities/\(org)/data/services/2025-12.csv"
            var text = try String(contentsOfFile: file, encoding: .utf8)
            text = text.replacingOccurrences(of: ",service_log,,\n", with: ",service_log,,d\(round)\n", options: [], range: text.range(of: ",service_log,,\n"))
            let tmp = file + ".tmp"
            try text.write(toFile: tmp, atomically: false, encoding: .utf8)
            let start = Date()
            rename(tmp, file)
            while contribTip() == before && Date().timeIntervalSince(start) < 60 { usleep(20_000) }
            latencies.append(Date().timeIntervalSince(start))
        }
        func cpuTicks() -> Double {
            let stat = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/stat", encoding: .utf8)) ?? ""
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            return fields.count > 12 ? (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) : 0
        }
        let t0 = cpuTicks()
        let idle = 10.0
        usleep(UInt32(idle * 1_000_000))
        let cpu = (cpuTicks() - t0) / Double(sysconf(Int32(_SC_CLK_TCK))) / idle * 100
        let status = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) } ?? "?"
        report(String(format: "daemon: rename → on central (debounce 2 s) median %.2f s of %d; idle CPU %.2f%% over %.0f s; resident memory %@",
                      Measure.median(latencies), rounds, cpu, idle, rss))
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
