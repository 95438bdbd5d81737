import Foundation
import TestSupport
import XCTest

/// On the same CSV files and schema, the structural errors frictionless-py reports are the ones gpmsync
/// reports, row for row.
final class FrictionlessDifferentialTests: XCTestCase {
    static let structural: Set<String> = ["type-error", "constraint-error", "primary-key", "foreign-key", "missing-cell",
                                          "extra-cell", "incorrect-label", "missing-label", "extra-label", "blank-row"]

    func testStructuralErrorsMatchFrictionless() throws {
        let probe = try TestSupport.run("python3", ["-c", "import frictionless"])
        guard probe.status == 0 else { throw XCTSkip("frictionless-py is not installed (scripts/setup.sh --tests installs it)") }
        var corpus = Corpus()
        corpus.buildCorpus()
        // Broken quoting is parsed differently by design (gpmsync reports source-error); an empty file has no table.
        let cases = corpus.cases.filter { $0.path.hasSuffix(".csv") && !$0.bytes.isEmpty && !$0.expected.contains { $0.hasPrefix("source-error") || $0.hasPrefix("encoding") || $0.hasPrefix("unknown-dataset") || $0.hasPrefix("bad-period") } }
        XCTAssertGreaterThan(cases.count, 100)
        let dir = TemporaryDirectory()
        let root = try templateCopy(dir)
        let package = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/datapackage.json"))) as! [String: Any]
        let resources = package["resources"] as! [[String: Any]]
        var generated: [[String: Any]] = resources.filter { $0["path"] != nil }
        for (n, c) in cases.enumerated() {
            try FileManager.default.createDirectory(atPath: (root + "/" + c.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(c.bytes).write(to: URL(fileURLWithPath: root + "/" + c.path))
            let dataset = c.path.contains("/services/") ? "services" : "residents"
            var r = resources.first { $0["name"] as? String == dataset }!
            r["data"] = nil
            r["gpmsync"] = nil
            r["name"] = "case\(n)"
            r["path"] = c.path
            r["format"] = "csv"
            generated.append(r)
        }
        try JSONSerialization.data(withJSONObject: ["name": "differential", "resources": generated]).write(to: URL(fileURLWithPath: root + "/differential.json"))
        let fl = try TestSupport.run("python3", ["-m", "frictionless", "validate", "--json", "differential.json"], in: root)
        let report = try JSONSerialization.jsonObject(with: Data(fl.stdout.utf8)) as! [String: Any]
        var theirs: [String: Set<String>] = [:]
        for task in report["tasks"] as! [[String: Any]] {
            guard let name = task["name"] as? String, name.hasPrefix("case"), let n = Int(name.dropFirst(4)) else { continue }
            let errors = task["errors"] as! [[String: Any]]
            let blank = Set(errors.filter { $0["type"] as? String == "blank-row" }.compactMap { $0["rowNumber"] as? Int })
            theirs[cases[n].path] = Set(errors.compactMap { e in
                let type = e["type"] as! String
                let row = e["rowNumber"] as? Int ?? 1
                // frictionless also counts a blank row as a duplicate (all-empty) key: a known quirk of theirs.
                if type == "primary-key" && blank.contains(row) { return nil }
                return "\(type)@\(row)"
            })
        }
        let ours = try TestSupport.run(gpmsyncBinary, ["validate", "--repo", root, "--format", "json"] + cases.map(\.path))
        let json = try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as! [String: Any]
        var mine: [String: Set<String>] = [:]
        for d in json["diagnostics"] as! [[String: Any]] {
            let rule = d["rule"] as! String
            guard Self.structural.contains(rule) else { continue }
            mine[d["path"] as! String, default: []].insert("\(rule)@\(d["line"] as? Int ?? 1)")
        }
        var compared = 0
        for c in cases {
            XCTAssertEqual(mine[c.path] ?? [], theirs[c.path] ?? [], c.path + "\n" + String(decoding: c.bytes.prefix(300), as: UTF8.self))
            if !(theirs[c.path] ?? []).isEmpty { compared += 1 }
        }
        XCTAssertGreaterThan(compared, 80, "most cases must carry a structural error to compare")
    }
}
