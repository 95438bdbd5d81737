import XCTest
import TestSupport

/// `gpmsync export` as a user runs it, on a central repository made with the git CLI: the published files
/// checked by the tools their readers use (frictionless, libhxl's hxlvalidate), the attacker's test in
/// Python (numpy, scipy), and the DHIS2 post against a DHIS2-shaped stub on loopback.
final class ExportEndToEndTests: XCTestCase {
    static let tools = packageRoot + "/Tests/ExportTests/Tools"
    static let orgs = ["16-nilufer", "16-osmangazi", "16-bursa-bb", "34-besiktas", "34-kadikoy", "34-sile", "34-uskudar", "34-istanbul-bb"]

    /// A central repository (non-bare, as a reviewer's copy may be): the template, two quarters of residents
    /// and two months of services for eight municipalities with many small counts, and one contribution
    /// merged as `central process` merges it, with its review note.
    func makeCentral(_ dir: TemporaryDirectory, seed: UInt64 = 7) throws -> String {
        let repo = try templateCopy(dir, name: "central")
        var rng = SplitMix(state: seed)
        try git(["init", "-q", "-b", "main"], in: repo)
        for org in Self.orgs.dropFirst() { try SampleTables.write(org: org, into: repo, rng: &rng) }
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "Start with seven municipalities"], in: repo)
        try git(["checkout", "-q", "-b", "contrib/16-nilufer"], in: repo)
        try SampleTables.write(org: Self.orgs[0], into: repo, rng: &rng)
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "Nilüfer's records"], in: repo)
        let tip = try git(["rev-parse", "HEAD"], in: repo)
        try git(["checkout", "-q", "main"], in: repo)
        try git(["merge", "-q", "--no-ff", "-m", "Accept contribution of 16-nilufer (\(tip.prefix(10)))", "contrib/16-nilufer"], in: repo)
        try git(["notes", "--ref=gpmsync-review", "add", "-m",
                 #"{"state":"approved","reviewer":"elif","at":"2026-01-05T10:00:00Z","reason":"","diagnostics":[]}"#, tip], in: repo)
        return repo
    }

    /// The generator's Marmara tree, three months of it, committed on `main` of a repository at `dir/tree`.
    func marmaraCentral(_ dir: TemporaryDirectory) throws -> String {
        let tree = dir.sub("tree")
        try TestSupport.run(gpmsyncBenchBinary, ["generate", "--workspace", dir.path, "--months", "3", "--binary", gpmsyncBinary]).check()
        try git(["init", "-q", "-b", "main"], in: tree)
        try git(["add", "-A"], in: tree)
        try git(["commit", "-q", "-m", "Marmara"], in: tree)
        return tree
    }

    func export(_ args: [String], in dir: String? = nil) throws -> ProcessResult {
        try TestSupport.run(gpmsyncBinary, ["export"] + args, in: dir, environment: ["LANG": "C"])
    }

    func python(_ script: String, _ args: [String]) throws -> ProcessResult {
        try TestSupport.run("python3", [Self.tools + "/" + script] + args)
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    // MARK: Data package and the attacker

    func testThePublishedDataPackageValidatesAndNoSuppressedCountCanBeWorkedOut() throws {
        let dir = TemporaryDirectory("gpmsync-export")
        let central = try makeCentral(dir)
        let published = dir.sub("published"), truth = dir.sub("truth")
        let r = try export(["--format", "datapackage", "--central", central, "--out", published])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("small count(s) suppressed"), r.stdout)
        try export(["--format", "datapackage", "--central", central, "--out", truth, "--suppress", "0"]).check()

        let valid = try TestSupport.run("python3", ["-m", "frictionless", "validate", "--json", published + "/datapackage.json"])
        let report = try json(valid.stdout)
        XCTAssertEqual(report["valid"] as? Bool, true, valid.stdout.prefix(3000).description)

        let attack = try python("attacker.py", ["--published", published, "--truth", truth, "--threshold", "5"])
        XCTAssertEqual(attack.status, 0, attack.stderr)
        let datasets = try XCTUnwrap(try json(attack.stdout)["datasets"] as? [String: [String: Any]])
        XCTAssertEqual(Set(datasets.keys), ["residents", "services"])
        for (name, d) in datasets {
            XCTAssertGreaterThan(d["primary"] as? Int ?? 0, 20, "\(name): the sample must hold small counts")
            XCTAssertEqual(d["recovered_by_rank"] as? Int, 0, "\(name): \(d)")
            XCTAssertEqual(d["recovered_by_lp"] as? Int, 0, "\(name): \(d)")
            XCTAssertEqual(d["unneeded"] as? Int, 0, "\(name): hidden without need: \(d)")
            XCTAssertEqual(d["small_published"] as? Int, 0, "\(name): \(d)")
            XCTAssertEqual(d["changed"] as? Int, 0, "\(name): \(d)")
            // The attack has teeth: without the secondary cells it recovers small counts.
            XCTAssertGreaterThan(d["recovered_with_primary_only"] as? Int ?? 0, 0, "\(name): \(d)")
        }

        let readme = try String(contentsOfFile: published + "/README.md", encoding: .utf8)
        XCTAssertTrue(readme.contains("| 16-nilufer |"), readme)
        XCTAssertTrue(readme.contains("| elif | approved |"), readme)
        XCTAssertTrue(readme.contains(try git(["rev-parse", "main"], in: central)), readme)
        let csv = try String(contentsOfFile: published + "/data/residents.csv", encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("period,province,org_unit,legal_status,nationality,sex,age_group,count,source,missing_reason\n"))
        XCTAssertTrue(csv.contains(",34,ALL,"), "province totals are published")
        XCTAssertFalse(csv.contains("comment"), "free-text comments are not published")
    }

    /// The same attack on the Marmara-scale generator's municipalities (every one of the code list, one
    /// quarter and three months), whose counts are realistic rather than made small.
    func testMarmaraScaleTablesResistTheAttack() throws {
        let dir = TemporaryDirectory("gpmsync-export-marmara")
        let tree = try marmaraCentral(dir)
        let published = dir.sub("published"), truth = dir.sub("truth")
        try export(["--format", "datapackage", "--central", tree, "--out", published]).check()
        try export(["--format", "datapackage", "--central", tree, "--out", truth, "--suppress", "0"]).check()
        let attack = try python("attacker.py", ["--published", published, "--truth", truth])
        XCTAssertEqual(attack.status, 0, attack.stderr)
        let datasets = try XCTUnwrap(try json(attack.stdout)["datasets"] as? [String: [String: Any]])
        var suppressed = 0
        for (name, d) in datasets {
            suppressed += d["suppressed"] as? Int ?? 0
            XCTAssertEqual(d["recovered_by_rank"] as? Int, 0, "\(name): \(d)")
            XCTAssertEqual(d["recovered_by_lp"] as? Int, 0, "\(name): \(d)")
            XCTAssertEqual(d["unneeded"] as? Int, 0, "\(name): \(d)")
            XCTAssertEqual(d["small_published"] as? Int, 0, "\(name): \(d)")
        }
        XCTAssertGreaterThan(suppressed, 0, attack.stdout)
    }

    /// A disk that fills half-way through the export: it fails with the reason, and no file is left where a
    /// published one is expected (nor a temporary one); with room again the same export succeeds.
    func testAFullDiskLeavesNoHalfPublishedFile() throws {
        let dir = TemporaryDirectory("gpmsync-export-full")
        let tree = try marmaraCentral(dir)
        guard let disk = try SmallDisk.mount(at: dir.sub("small"), size: "1536k") else {
            throw XCTSkip("cannot mount a small tmpfs here (needs root)")
        }
        defer { disk.unmount() }
        let out = disk.path + "/out"
        let full = try export(["--format", "hxl", "--central", tree, "--out", out])
        XCTAssertNotEqual(full.status, 0, full.stdout)
        XCTAssertTrue(full.stderr.contains("No space left") || full.stderr.contains("cannot write"), full.stderr)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        XCTAssertEqual(left, [], "files left on the full disk: \(left)")
        // The same export with room: the files are there, complete.
        let roomy = dir.sub("out")
        try export(["--format", "hxl", "--central", tree, "--out", roomy]).check()
        let services = try String(contentsOfFile: roomy + "/services.csv", encoding: .utf8)
        XCTAssertGreaterThan(services.utf8.count, 1_600_000, "the export must be larger than the small disk for this test to mean anything")
        XCTAssertTrue(services.hasSuffix("\n"))
    }

    /// An export killed with -9 half-way leaves its staging folder (nothing of it published); the next
    /// export removes it and publishes complete files, and leaves alone the folder of an export still at work.
    func testAnExportKilledHalfWayLeavesNothingTheNextOneKeeps() throws {
        let dir = TemporaryDirectory("gpmsync-export-kill")
        let tree = try marmaraCentral(dir)
        let out = dir.sub("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gpmsyncBinary)
        process.arguments = ["export", "--format", "hxl", "--central", tree, "--out", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed once its first table is being written in its staging folder.
        let staging = out + "/.gpmsync-export-\(process.processIdentifier)"
        XCTAssertTrue(waitUntil(timeout: .seconds(60)) { !process.isRunning || FileManager.default.fileExists(atPath: staging + "/residents.csv") })
        XCTAssertTrue(process.isRunning, "the export ended before it could be killed: the tree is too small for this test")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/residents.csv"), "a killed export published a file")
        XCTAssertTrue(FileManager.default.fileExists(atPath: staging))
        // A staging folder of a process that still runs (this test's own) is not the next export's to remove.
        let busy = out + "/.gpmsync-export-\(getpid())"
        try FileManager.default.createDirectory(atPath: busy, withIntermediateDirectories: true)
        // A link named like the staging folder of a process that is gone: the link goes, not what it points at.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let elsewhere = dir.sub("elsewhere"), link = out + "/.gpmsync-export-\(exited.processIdentifier)"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try "keep".write(toFile: elsewhere + "/keep.csv", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: elsewhere)
        try export(["--format", "hxl", "--central", tree, "--out", out]).check()
        XCTAssertFalse(FileManager.default.fileExists(atPath: staging), "the killed export's staging folder is still there")
        XCTAssertTrue(FileManager.default.fileExists(atPath: busy))
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: link))
        XCTAssertEqual(try String(contentsOfFile: elsewhere + "/keep.csv", encoding: .utf8), "keep")
        XCTAssertTrue(try String(contentsOfFile: out + "/services.csv", encoding: .utf8).hasSuffix("\n"))
    }

    // MARK: HXL

    func testHXLValidatesWithLibhxlAndPublishesNoSmallCount() throws {
        let dir = TemporaryDirectory("gpmsync-export-hxl")
        let central = try makeCentral(dir)
        let out = dir.sub("hxl")
        let r = try export(["--format", "hxl", "--central", central, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        for dataset in ["residents", "services"] {
            let file = out + "/\(dataset).csv"
            let v = try python("hxlvalidate.py", ["-s", Self.tools + "/hxl-schema.json", "-e", "error", file])
            XCTAssertEqual(v.status, 0, "hxlvalidate: \(v.stdout.prefix(2000)) \(v.stderr.prefix(2000))")
            let check = try python("hxl_check.py", [file, "5"])
            XCTAssertEqual(check.status, 0, check.stderr)
            let report = try json(check.stdout)
            let tags = report["tags"] as? [String] ?? []
            XCTAssertEqual(Array(tags.prefix(3)), ["#date", "#adm1+code", "#adm2+code"])
            XCTAssertTrue(tags.contains("#country+code+origin"), "\(tags)")
            XCTAssertTrue(tags.contains("#x_legal_status+code"), "\(tags)")
            XCTAssertTrue(tags.contains("#x_age_group+code"), "\(tags)")
            XCTAssertEqual(report["small_count"] as? Int, 0, "\(report)")
            XCTAssertGreaterThan(report["values"] as? Int ?? 0, 100)
            if dataset == "residents" {
                XCTAssertTrue(tags.contains("#affected+migrants+f") && tags.contains("#affected+migrants+m") && tags.contains("#affected+migrants"), "\(tags)")
                XCTAssertEqual(report["dates"] as? [String], ["2025Q1", "2025Q2"])
            } else {
                XCTAssertTrue(tags.contains("#reached+ind+f") && tags.contains("#output+num+contacts+m"), "\(tags)")
                XCTAssertEqual(report["dates"] as? [String], ["2025-03", "2025-04"])
            }
        }
        // hxlvalidate has teeth: a small count written into the file breaks the schema's pattern elsewhere,
        // and a month spelled as DHIS2 spells it fails the date rule.
        let file = out + "/services.csv"
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "2025-03,", with: "202503,")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try python("hxlvalidate.py", ["-s", Self.tools + "/hxl-schema.json", "-e", "error", file]).status, 0)
    }

    // MARK: DHIS2

    final class Stub {
        let process = Process()
        let port: Int
        let log: String
        init(token: String, log: String, unknownOrgUnits: [String] = []) throws {
            self.log = log
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", ExportEndToEndTests.tools + "/dhis2_stub.py", "--token", token, "--log", log,
                                 "--unknown-org-units", unknownOrgUnits.joined(separator: ",")]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            // The stub prints its port once it listens.
            var line = Data()
            while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
            guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw TestFailure("the stub printed no port") }
            self.port = port
        }
        var url: String { "http://127.0.0.1:\(port)" }
        var requests: [[String: Any]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        deinit { process.terminate(); process.waitUntilExit() }
    }

    func testDHIS2PostSendsTheDocumentedPayloadAndReportsTheImportSummary() throws {
        let dir = TemporaryDirectory("gpmsync-export-dhis2")
        let central = try makeCentral(dir)
        let token = "d2pat_SECRETtoken0123456789"
        let tokenFile = dir.sub("token")
        try write(token + "\n", to: tokenFile, mode: 0o600)
        let stub = try Stub(token: token, log: dir.sub("stub.log"))

        let dry = try export(["--format", "dhis2", "--central", central, "--out", dir.sub("d1"), "--post", stub.url,
                              "--token-file", tokenFile, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stdout + dry.stderr)
        XCTAssertTrue(dry.stdout.contains("DHIS2 import (dry run): SUCCESS, HTTP 200; imported "), dry.stdout)
        let posted = try export(["--format", "dhis2", "--central", central, "--out", dir.sub("d2"), "--post", stub.url + "/",
                                 "--token-file", tokenFile])
        XCTAssertEqual(posted.status, 0, posted.stdout + posted.stderr)
        let requests = stub.requests
        XCTAssertEqual(requests.count, 2, "\(requests)")
        XCTAssertEqual((requests[0]["query"] as? [String: String])?["dryRun"], "true")
        XCTAssertNil((requests[1]["query"] as? [String: String])?["dryRun"])
        XCTAssertEqual((requests[1]["query"] as? [String: String])?["orgUnitIdScheme"], "CODE")
        XCTAssertNil(requests[1]["error"], "the stub's schema refused the payload: \(requests[1])")
        let values = try XCTUnwrap(requests[1]["values"] as? Int)
        XCTAssertGreaterThan(values, 100)
        XCTAssertTrue(posted.stdout.contains("imported \(values), updated 0"), posted.stdout)
        let sample = try XCTUnwrap((requests[1]["payload"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(sample.keys), ["dataElement", "period", "orgUnit", "categoryOptionCombo", "value"])
        let payload = try String(contentsOfFile: dir.sub("d2/dataValueSet.json"), encoding: .utf8)
        XCTAssertFalse(payload.contains("_ALL_") || payload.contains("\"ALL_"), "ALL rows with parts are left to DHIS2 (totals: omit)")
        XCTAssertTrue(payload.contains("_F_ALL\""), "an ALL along a dimension without parts (services' age group) is the value itself")
        XCTAssertFalse(payload.contains("\"orgUnit\":\"ALL\""), "province totals are never sent")
        XCTAssertTrue(payload.contains("\"period\":\"202503\"") && payload.contains("\"period\":\"2025Q1\""))

        // The CSV form, with DHIS2's columns.
        let csv = try export(["--format", "dhis2-csv", "--central", central, "--out", dir.sub("d3"), "--post", stub.url,
                              "--token-file", tokenFile])
        XCTAssertEqual(csv.status, 0, csv.stdout + csv.stderr)
        XCTAssertNil(stub.requests.last?["error"], "\(stub.requests.last ?? [:])")
        XCTAssertTrue(csv.stdout.contains("imported 0, updated \(values)"), csv.stdout)

        for output in [dry, posted, csv] { XCTAssertFalse((output.stdout + output.stderr).contains(token)) }
    }

    func testDHIS2ConflictsExitOneAndAnOpenTokenFileIsRefused() throws {
        let dir = TemporaryDirectory("gpmsync-export-dhis2-409")
        let central = try makeCentral(dir)
        let token = "d2pat_OTHERsecret99"
        let tokenFile = dir.sub("token")
        try write(token, to: tokenFile, mode: 0o600)
        let stub = try Stub(token: token, log: dir.sub("stub.log"), unknownOrgUnits: ["34-sile"])
        let r = try export(["--format", "dhis2", "--central", central, "--out", dir.sub("d"), "--post", stub.url, "--token-file", tokenFile])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("WARNING, HTTP 409"), r.stdout)
        XCTAssertTrue(r.stdout.contains("34-sile: Org unit not found or not accessible"), r.stdout)

        chmod(tokenFile, 0o644)
        let open = try export(["--format", "dhis2", "--central", central, "--out", dir.sub("e"), "--post", stub.url, "--token-file", tokenFile])
        XCTAssertEqual(open.status, 1, open.stdout + open.stderr)
        XCTAssertTrue(open.stderr.contains("must have mode 0600"), open.stderr)
        XCTAssertEqual(stub.requests.count, 1, "nothing is sent with a token others can read")

        try write("wrong", to: tokenFile, mode: 0o600)
        let refused = try export(["--format", "dhis2", "--central", central, "--out", dir.sub("f"), "--post", stub.url, "--token-file", tokenFile])
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("refused the token (HTTP 401)"), refused.stderr)
        for output in [r, open, refused] { XCTAssertFalse((output.stdout + output.stderr).contains(token)) }

        let offline = try export(["--format", "dhis2", "--central", central, "--out", dir.sub("g"), "--post", "http://127.0.0.1:\(freePort())",
                                  "--token-file", tokenFile])
        XCTAssertEqual(offline.status, 3, offline.stdout + offline.stderr)
    }

    func testUsageErrors() throws {
        let dir = TemporaryDirectory("gpmsync-export-usage")
        let central = try makeCentral(dir)
        XCTAssertEqual(try export(["--format", "hxl", "--central", central, "--post", "http://x"]).status, 2)
        XCTAssertEqual(try export(["--format", "dhis2", "--central", central, "--post", "http://x"]).status, 2)
        XCTAssertEqual(try export(["--format", "xml", "--central", central]).status, 2)
        XCTAssertEqual(try export(["--format", "hxl", "--central", central, "--since", "March"]).status, 2)
        let since = try export(["--format", "datapackage", "--central", central, "--out", dir.sub("s"), "--since", "2025Q2"])
        XCTAssertEqual(since.status, 0, since.stderr)
        let csv = try String(contentsOfFile: dir.sub("s/data/services.csv"), encoding: .utf8)
        XCTAssertFalse(csv.contains("2025-03,"))
        XCTAssertTrue(csv.contains("2025-04,"))
    }
}

/// Consistent tables with many small counts: every dimension has its parts and its `ALL` row (so groups
/// cross in four dimensions), `unique_beneficiaries` over service areas lies between the largest part and
/// the sum, as the SPEC says.
enum SampleTables {
    static func write(org: String, into repo: String, rng: inout SplitMix) throws {
        let base = repo + "/municipalities/\(org)"
        try TestSupport.write("org_unit: \(org)\ncontact:\n  unit: Göç Masası\n", to: base + "/profile.yaml")
        for quarter in ["2025Q1", "2025Q2"] {
            let dims = [["TP", "IP_APPLICANT"], ["SYR", "AFG"], ["F", "M"], ["0-4", "5-9"]]
            let cube = Cube(dims: dims, rng: &rng)
            var text = "legal_status,nationality,sex,age_group,count,source,missing_reason,comment\n"
            for (codes, v) in cube.cells { text += codes.joined(separator: ",") + ",\(v),admin_register,,\n" }
            try TestSupport.write(text, to: base + "/data/residents/\(quarter).csv")
        }
        for month in ["2025-03", "2025-04"] {
            let dims = [["education", "language_course"], ["TP", "IP_STATUS"], ["SYR", "AFG"], ["F", "M"]]
            let people = Cube(dims: dims, rng: &rng, nonAdditive: 0)
            var text = "service_area,legal_status,nationality,sex,age_group,unique_beneficiaries,service_contacts,source,missing_reason,comment\n"
            let contacts = Cube(dims: dims, rng: &rng, atLeast: people)
            for (codes, v) in people.cells {
                text += codes.joined(separator: ",") + ",ALL,\(v),\(contacts.value(codes)),service_log,,\n"
            }
            try TestSupport.write(text, to: base + "/data/services/\(month).csv")
        }
    }

    /// Parts drawn at random (one in eight from 0 to 4), every margin summed; along `nonAdditive` the
    /// `ALL` row is between the largest part and the sum.
    struct Cube {
        var values: [[String]: Int] = [:]
        var cells: [([String], Int)] = []
        let dims: [[String]]

        init(dims: [[String]], rng: inout SplitMix, nonAdditive: Int? = nil, atLeast: Cube? = nil) {
            self.dims = dims
            let all = dims.map { $0 + ["ALL"] }
            func combos(_ d: Int) -> [[String]] { d == all.count ? [[]] : all[d].flatMap { c in combos(d + 1).map { [c] + $0 } } }
            let every = combos(0)
            for codes in every where !codes.contains("ALL") {
                let small = Int.random(in: 0..<8, using: &rng) == 0
                var v = small ? Int.random(in: 0...4, using: &rng) : Int.random(in: 5...40, using: &rng)
                if let atLeast { v += atLeast.values[codes]! }
                values[codes] = v
            }
            // Sum margins in order of how many ALLs they hold.
            for codes in every.filter({ $0.contains("ALL") }).sorted(by: { $0.filter { $0 == "ALL" }.count < $1.filter { $0 == "ALL" }.count }) {
                let d = codes.firstIndex(of: "ALL")!
                let parts = dims[d].map { c -> Int in var k = codes; k[d] = c; return values[k]! }
                if d == nonAdditive, !codes.enumerated().contains(where: { $0.offset != d && $0.element == "ALL" }) {
                    values[codes] = parts.max()! + Int.random(in: 0...(parts.reduce(0, +) - parts.max()!), using: &rng)
                } else if codes.enumerated().contains(where: { $0.offset != d && $0.element == "ALL" }) {
                    // Summed along another dimension that holds ALL (additive), keeping the rule above.
                    let e = codes.indices.last { $0 != d && codes[$0] == "ALL" }!
                    values[codes] = dims[e].map { c -> Int in var k = codes; k[e] = c; return values[k]! }.reduce(0, +)
                } else {
                    values[codes] = parts.reduce(0, +)
                }
            }
            cells = every.map { ($0, values[$0]!) }
        }

        func value(_ codes: [String]) -> Int { values[codes]! }
    }
}
