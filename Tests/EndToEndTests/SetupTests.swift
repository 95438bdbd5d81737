import Foundation
import TestSupport
import XCTest

/// The real binary, as a user runs it.
final class SetupTests: XCTestCase {
    func gpmsync(_ args: [String], in dir: String? = nil, env: [String: String] = [:]) throws -> ProcessResult {
        try TestSupport.run(gpmsyncBinary, args, in: dir, environment: env)
    }

    func testCentralInitAndMunicipalityInit() throws {
        let dir = TemporaryDirectory()
        XCTAssertEqual(try gpmsync(["central", "init", dir.sub("central.git")]).status, 0)
        try git(["fsck", "--strict"], in: dir.sub("central.git"))
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: dir.sub("central.git/hooks/pre-receive")))
        XCTAssertEqual(try git(["show", "main:access.csv"], in: dir.sub("central.git")).split(separator: "\n").first, "user,role,org_unit")

        let daemon = try startGitDaemon(base: dir.path)
        let url = "git://127.0.0.1:\(daemon.port)/central.git"
        let r = try gpmsync(["init", dir.sub("kadikoy"), "--org-unit", "34-kadikoy", "--central", url, "--user", "ayse"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let clone = dir.sub("kadikoy")
        try git(["fsck", "--strict"], in: clone)
        XCTAssertEqual(try git(["config", "gpmsync.orgUnit"], in: clone), "34-kadikoy")
        XCTAssertEqual(try git(["config", "gpmsync.user"], in: clone), "ayse")
        XCTAssertEqual(try git(["config", "remote.central.url"], in: clone), url)
        XCTAssertEqual(try git(["status", "--porcelain"], in: clone), "")
        let profile = try String(contentsOfFile: clone + "/municipalities/34-kadikoy/profile.yaml", encoding: .utf8)
        XCTAssertTrue(profile.contains("Kadıköy Belediyesi"))
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: clone + "/.git/hooks/pre-commit"))
        // The git CLI sees an ordinary clone that can fetch from central.
        try git(["fetch", "central"], in: clone)
        XCTAssertEqual(try git(["rev-parse", "central/main"], in: clone), try git(["rev-parse", "main"], in: dir.sub("central.git")))
        XCTAssertEqual(try gpmsync(["validate"], in: clone).status, 0)
    }

    func testInitFailuresLeaveNothingBehind() throws {
        let dir = TemporaryDirectory()
        XCTAssertEqual(try gpmsync(["central", "init", dir.sub("central.git")]).status, 0)
        let wrongOrg = try gpmsync(["init", dir.sub("a"), "--org-unit", "34-atlantis", "--central", dir.sub("central.git")])
        XCTAssertEqual(wrongOrg.status, 1)
        XCTAssertTrue(wrongOrg.stderr.contains("34-atlantis"), wrongOrg.stderr)
        let badSyntax = try gpmsync(["init", dir.sub("a"), "--org-unit", "Kadıköy", "--central", dir.sub("central.git")])
        XCTAssertEqual(badSyntax.status, 1)
        let port = freePort()
        let unreachable = try gpmsync(["init", dir.sub("a"), "--org-unit", "34-kadikoy", "--central", "git://127.0.0.1:\(port)/central.git"])
        XCTAssertEqual(unreachable.status, 3, unreachable.stderr)
        try write("mine\n", to: dir.sub("full/keep.txt"))
        let existing = try gpmsync(["init", dir.sub("full"), "--org-unit", "34-kadikoy", "--central", dir.sub("central.git")])
        XCTAssertEqual(existing.status, 2)
        XCTAssertEqual(try String(contentsOfFile: dir.sub("full/keep.txt"), encoding: .utf8), "mine\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(left, ["central.git", "full"])
    }

    func testTurkishMessagesFollowLANG() throws {
        let dir = TemporaryDirectory()
        _ = try gpmsync(["central", "init", dir.sub("central.git")])
        let r = try gpmsync(["init", dir.sub("a"), "--org-unit", "34-atlantis", "--central", dir.sub("central.git")], env: ["LANG": "tr_TR.UTF-8"])
        XCTAssertTrue(r.stderr.contains("listesinde yok"), r.stderr)
    }

    func testTemplatePassesFrictionlessValidate() throws {
        let r = try TestSupport.run("python3", ["-m", "frictionless", "validate", "--json", "datapackage.json"], in: packageRoot + "/Repos/template")
        guard r.status != 127, !r.stderr.contains("No module named") else {
            throw XCTSkip("frictionless-py is not installed (scripts/setup.sh --tests installs it)")
        }
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("\"valid\": true"), r.stdout)
    }

    func testEmbeddedTemplateMatchesRepos() throws {
        // Repos/template is the source; the binary embeds it through Repos/tools/make_template.py.
        let dir = TemporaryDirectory()
        _ = try gpmsync(["central", "init", dir.sub("central.git")])
        for file in ["datapackage.json", "access.csv", "README.md", "codelists/org_units.csv", "codelists/nationalities.csv"] {
            let embedded = try git(["show", "main:\(file)"], in: dir.sub("central.git"))
            let source = try String(contentsOfFile: packageRoot + "/Repos/template/" + file, encoding: .utf8)
            XCTAssertEqual(embedded, source.trimmingCharacters(in: .whitespacesAndNewlines), "\(file): run Repos/tools/make_template.py")
        }
    }
}
