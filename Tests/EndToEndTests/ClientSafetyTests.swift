import Foundation
import TestSupport
import XCTest

/// The municipality's clone under unlucky use: nothing lost, nothing silently dropped, no personal data
/// recorded. Two laptops of one municipality over `git daemon`, the git CLI as the hand that breaks things.
final class ClientSafetyTests: XCTestCase {
    let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
    let residentsQ2 = "municipalities/34-kadikoy/data/residents/2025Q2.csv"
    let practice = "municipalities/34-kadikoy/practices/gp-2025-01-women-language-course.md"
    let tckn = "10000000146"

    func makeFixture() throws -> Fixture {
        try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("ali", "municipality", "34-kadikoy"),
                            ("gpm", "admin", nil)])
    }

    /// Two laptops that share a first version of the residents table.
    func twoLaptops(_ f: Fixture, _ rows: [(String, String, Int)] = [("SYR", "F", 100), ("SYR", "M", 90), ("AFG", "F", 10)]) throws -> (String, String) {
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let b = try f.clone("b", org: "34-kadikoy", user: "ali")
        try f.write(a, residents, Tables.residents(rows))
        try f.gpmsync(["sync"], in: a).check()
        try f.gpmsync(["sync"], in: b).check()
        return (a, b)
    }

    func read(_ clone: String, _ path: String) throws -> String {
        try String(contentsOfFile: clone + "/" + path, encoding: .utf8)
    }

    func conflicts(_ f: Fixture, _ clone: String) throws -> [[String: Any]] {
        let listed = try f.gpmsync(["conflicts", "--format", "json"], in: clone)
        return try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
    }

    // MARK: Held-back and dirty files

    /// Laptop A holds its table back (an identity number, together with an edit of another row); laptop B's
    /// accepted change arrives: it is merged into A's working file, the index follows central, and no later
    /// sync of A submits the old value back.
    func testHeldBackFileReceivesCentralsChangeAndNeverRevertsIt() throws {
        let f = try makeFixture()
        let (a, b) = try twoLaptops(f)
        try f.write(a, residents, Tables.residentsHeader + """
            TP,SYR,F,ALL,100,admin_register,,TCKN \(tckn)
            TP,SYR,M,ALL,90,admin_register,,
            TP,AFG,F,ALL,11,admin_register,,

            """)
        let held = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(held.status, 0, held.stdout + held.stderr)
        XCTAssertTrue(held.stdout.contains("pii-tckn"), held.stdout)
        try f.write(b, residents, Tables.residents([("SYR", "F", 100), ("SYR", "M", 92), ("AFG", "F", 10)]))
        try f.gpmsync(["sync"], in: b).check()
        XCTAssertTrue(f.centralFile("contrib/34-kadikoy", residents)?.contains("TP,SYR,M,ALL,92") ?? false)

        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let working = try read(a, residents)
        XCTAssertTrue(working.contains("TP,SYR,M,ALL,92"), "central's change reaches the held-back file: \(working)")
        XCTAssertTrue(working.contains("TCKN \(tckn)") && working.contains("TP,AFG,F,ALL,11"), "the local edits stay: \(working)")
        XCTAssertEqual(try git(["diff", "--cached", "--name-only"], in: a), "", "the index matches HEAD")
        XCTAssertTrue(try git(["show", "HEAD:\(residents)"], in: a).contains("TP,SYR,M,ALL,92"))
        XCTAssertEqual(try git(["log", "--all", "--format=%H", "-S", tckn], in: a), "", "the identity number is in no commit")

        // More syncs never carry the old value back to central.
        try f.gpmsync(["sync"], in: a).check()
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertTrue(f.centralFile("contrib/34-kadikoy", residents)?.contains("TP,SYR,M,ALL,92") ?? false,
                      f.centralFile("contrib/34-kadikoy", residents) ?? "")
        // The identity number removed, A's own edit goes out with B's.
        try f.write(a, residents, try read(a, residents).replacingOccurrences(of: "TCKN \(tckn)", with: ""))
        try f.gpmsync(["sync"], in: a).check()
        let central = f.centralFile("contrib/34-kadikoy", residents) ?? ""
        XCTAssertTrue(central.contains("TP,SYR,M,ALL,92") && central.contains("TP,AFG,F,ALL,11"), central)
    }

    /// The same cell edited in a held-back file and on the other laptop: a recorded conflict (exit 4) that
    /// keeps the local value, never a silent choice, and the index still follows central.
    func testHeldBackFileConflictingWithCentralIsRecorded() throws {
        let f = try makeFixture()
        let (a, b) = try twoLaptops(f)
        try f.write(a, residents, Tables.residentsHeader + """
            TP,SYR,F,ALL,101,admin_register,,tel 0532 123 45 67
            TP,SYR,M,ALL,90,admin_register,,
            TP,AFG,F,ALL,10,admin_register,,

            """)
        try f.gpmsync(["sync"], in: a).check()
        try f.write(b, residents, Tables.residents([("SYR", "F", 105), ("SYR", "M", 90), ("AFG", "F", 10)]))
        try f.gpmsync(["sync"], in: b).check()
        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 4, r.stdout + r.stderr)
        let listed = try conflicts(f, a)
        XCTAssertEqual(listed.count, 1, "\(listed)")
        XCTAssertEqual(listed.first?["ours"] as? String, "101")
        XCTAssertEqual(listed.first?["theirs"] as? String, "105")
        XCTAssertTrue(try read(a, residents).contains("TP,SYR,F,ALL,101"))
        XCTAssertEqual(try git(["diff", "--cached", "--name-only"], in: a), "")
        XCTAssertTrue(try git(["show", "HEAD:\(residents)"], in: a).contains("TP,SYR,F,ALL,105"))
        try f.gpmsync(["sync"], in: a)
        XCTAssertTrue(f.centralFile("contrib/34-kadikoy", residents)?.contains("TP,SYR,F,ALL,105") ?? false)
    }

    // MARK: Deletions

    /// Laptop A deletes a table that laptop B edited: A gets exit 4, and its deletion reaches central only
    /// once a person has decided.
    func testDeletionAgainstAnEditIsNotSubmittedWhileInConflict() throws {
        let f = try makeFixture()
        let (a, b) = try twoLaptops(f)
        try f.write(b, residents, Tables.residents([("SYR", "F", 100), ("SYR", "M", 95), ("AFG", "F", 10)]))
        try f.gpmsync(["sync"], in: b).check()
        try FileManager.default.removeItem(atPath: a + "/" + residents)
        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 4, r.stdout + r.stderr)
        XCTAssertTrue(f.centralFile("contrib/34-kadikoy", residents)?.contains("TP,SYR,M,ALL,95") ?? false, "the deletion is held back")
        let again = try f.gpmsync(["sync"], in: a)
        XCTAssertTrue(again.stdout.contains("conflict"), again.stdout)
        XCTAssertTrue(f.centralFile("contrib/34-kadikoy", residents)?.contains("TP,SYR,M,ALL,95") ?? false, "still held back")
        // Decided (keep the deletion), it goes out.
        try f.gpmsync(["resolve", residents, "--ours"], in: a).check()
        XCTAssertFalse(FileManager.default.fileExists(atPath: a + "/" + residents), "--ours keeps the file deleted, not a header")
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertNil(f.centralFile("contrib/34-kadikoy", residents))
    }

    // MARK: resolve

    /// Both laptops edit a line of a table that laptop A cannot key (a duplicate row, committed locally and
    /// held back): a whole-file conflict. `--theirs` writes central's whole version, `--ours` the local one.
    func testWholeFileConflictsResolveToTheWholeChosenVersion() throws {
        let f = try makeFixture()
        let (a, b) = try twoLaptops(f)
        try f.write(a, residentsQ2, Tables.residents([("SYR", "F", 200), ("SYR", "M", 190)]))
        try f.gpmsync(["sync"], in: a).check()
        try f.gpmsync(["sync"], in: b).check()
        let duplicate = "TP,AFG,F,ALL,10,admin_register,,\n"
        try f.write(a, residents, Tables.residents([("SYR", "F", 101), ("SYR", "M", 90), ("AFG", "F", 10)]) + duplicate)
        try f.write(a, residentsQ2, Tables.residents([("SYR", "F", 201), ("SYR", "M", 190)]) + "TP,SYR,M,ALL,190,admin_register,,\n")
        try f.gpmsync(["sync"], in: a).check()
        try f.write(b, residents, Tables.residents([("SYR", "F", 105), ("SYR", "M", 90), ("AFG", "F", 10)]))
        try f.write(b, residentsQ2, Tables.residents([("SYR", "F", 205), ("SYR", "M", 190)]))
        try f.gpmsync(["sync"], in: b).check()
        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 4, r.stdout + r.stderr)
        let listed = try conflicts(f, a)
        XCTAssertEqual(listed.filter { ($0["key"] as? String) == "" }.count, 2, "\(listed)")

        try f.gpmsync(["resolve", residents, "--theirs"], in: a).check()
        XCTAssertEqual(try read(a, residents), Tables.residents([("SYR", "F", 105), ("SYR", "M", 90), ("AFG", "F", 10)]))
        try f.gpmsync(["resolve", residentsQ2, "--ours"], in: a).check()
        XCTAssertEqual(try read(a, residentsQ2), Tables.residents([("SYR", "F", 201), ("SYR", "M", 190)]) + "TP,SYR,M,ALL,190,admin_register,,\n")
        XCTAssertEqual(try conflicts(f, a).count, 0)
    }

    /// A cell conflict pending, and then a duplicate key typed into the file: `resolve` refuses (the table
    /// cannot be read) and writes nothing, instead of an empty table that would validate and be submitted.
    func testResolveRefusesAFileItCannotRead() throws {
        let f = try makeFixture()
        let (a, b) = try twoLaptops(f)
        try f.write(a, residents, Tables.residents([("SYR", "F", 111), ("SYR", "M", 90), ("AFG", "F", 10)]))
        try f.write(b, residents, Tables.residents([("SYR", "F", 122), ("SYR", "M", 90), ("AFG", "F", 10)]))
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertEqual(try f.gpmsync(["sync"], in: b).status, 4)
        let broken = try read(b, residents) + "TP,AFG,F,ALL,10,admin_register,,\n"
        try f.write(b, residents, broken)
        let r = try f.gpmsync(["resolve", residents, "--theirs"], in: b)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("cannot be read as a table"), r.stdout + r.stderr)
        XCTAssertEqual(try read(b, residents), broken, "nothing written")
        XCTAssertEqual(try conflicts(f, b).count, 1, "the conflict is still listed")
        // Fixed, the same choice applies.
        try f.write(b, residents, broken.replacingOccurrences(of: "\nTP,AFG,F,ALL,10,admin_register,,\nTP,AFG,F,ALL,10,admin_register,,\n",
                                                               with: "\nTP,AFG,F,ALL,10,admin_register,,\n"))
        try f.gpmsync(["resolve", residents, "--theirs"], in: b).check()
        XCTAssertTrue(try read(b, residents).contains("TP,SYR,F,ALL,111"))
        XCTAssertTrue(try read(b, residents).contains("TP,SYR,M,ALL,90"))
    }

    /// A row-level conflict (laptop A deleted the row, laptop B edited it): `--value` gives the row's other
    /// cells, never its key columns; a value whose key cells name another row is refused.
    func testValueOnARowConflictKeepsTheKeyColumns() throws {
        let f = try makeFixture()
        let (a, b) = try twoLaptops(f)
        try f.write(a, residents, Tables.residents([("SYR", "F", 100), ("SYR", "M", 90)]))
        try f.gpmsync(["sync"], in: a).check()
        try f.write(b, residents, Tables.residents([("SYR", "F", 100), ("SYR", "M", 90), ("AFG", "F", 12)]))
        XCTAssertEqual(try f.gpmsync(["sync"], in: b).status, 4)
        let listed = try conflicts(f, b)
        XCTAssertEqual(listed.first?["key"] as? String, "TP|AFG|F|ALL")
        XCTAssertEqual(listed.first?["field"] as? String, "")
        let wrong = try f.gpmsync(["resolve", residents, "--value", "TP|AFG|F|ALL=TP,IRQ,F,ALL,12,admin_register,,"], in: b)
        XCTAssertEqual(wrong.status, 1, wrong.stdout + wrong.stderr)
        try f.gpmsync(["resolve", residents, "--value", "TP|AFG|F|ALL=12,admin_register,,"], in: b).check()
        XCTAssertEqual(try read(b, residents), Tables.residents([("SYR", "F", 100), ("SYR", "M", 90), ("AFG", "F", 12)]))
    }

    static let practiceText = samplePractice()

    /// A body conflict on a document, then the person edits another part of the body: `--theirs` applies
    /// central's text into the edited body; when the edit touches the same lines it refuses, changes
    /// nothing and keeps the conflict listed. Never "resolved" with nothing applied.
    func testTheirsOnAnEditedDocumentBodyAppliesOrRefuses() throws {
        let f = try makeFixture()
        let (a, b) = try twoLaptops(f)
        try f.write(a, practice, Self.practiceText)
        try f.gpmsync(["sync"], in: a).check()
        try f.gpmsync(["sync"], in: b).check()
        try f.write(a, practice, Self.practiceText.replacingOccurrences(of: "İlk dönemde 48 kayıt", with: "İlk dönemde 50 kayıt"))
        try f.write(b, practice, Self.practiceText.replacingOccurrences(of: "İlk dönemde 48 kayıt", with: "İlk dönemde 52 kayıt"))
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertEqual(try f.gpmsync(["sync"], in: b).status, 4)
        XCTAssertEqual(try conflicts(f, b).first?["field"] as? String, "body")

        // An edit of the same line since: refused, nothing changed.
        let sameLine = try read(b, practice).replacingOccurrences(of: "İlk dönemde 52 kayıt", with: "İlk dönemde 53 kayıt")
        try f.write(b, practice, sameLine)
        let refused = try f.gpmsync(["resolve", practice, "--theirs"], in: b)
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertEqual(try read(b, practice), sameLine)
        XCTAssertEqual(try conflicts(f, b).count, 1)

        // An edit of another part: central's text is applied into it.
        let otherLine = try read(b, practice).replacingOccurrences(of: "İlk dönemde 53 kayıt", with: "İlk dönemde 52 kayıt")
            .replacingOccurrences(of: "Haftada üç gün", with: "Haftada dört gün")
        try f.write(b, practice, otherLine)
        try f.gpmsync(["resolve", practice, "--theirs"], in: b).check()
        let text = try read(b, practice)
        XCTAssertTrue(text.contains("İlk dönemde 50 kayıt") && text.contains("Haftada dört gün"), text)
        XCTAssertEqual(try conflicts(f, b).count, 0)
    }

    // MARK: Personal data

    /// An identity number in an extra column, in a file outside the layout and in a Windows-1254 file: none
    /// is recorded, anywhere in history, and each is named.
    func testPersonalDataAnywhereInAnyFileIsNeverRecorded() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let extra = "municipalities/34-kadikoy/data/residents/2024Q4.csv"
        try f.write(a, extra, "legal_status,nationality,sex,age_group,count,source,missing_reason,comment,note\n"
                    + "TP,SYR,F,ALL,100,admin_register,,,kimlik \(tckn)\n")
        let outside = "municipalities/34-kadikoy/beneficiaries.csv"
        try f.write(a, outside, "name,id\nAyşe,\(tckn)\n")
        let unknownDataset = "municipalities/34-kadikoy/data/beneficiaries/2025Q1.csv"
        try f.write(a, unknownDataset, "name,phone\nAli,0532 123 45 67\n")
        let cp1254 = "municipalities/34-kadikoy/data/residents/2024Q3.csv"
        // "Kadıköy şubesi" in Windows-1254 (ı = 0xFD, ö = 0xF6, ş = 0xFE), then an identity number.
        var bytes = Array((Tables.residentsHeader + "TP,SYR,F,ALL,100,admin_register,,").utf8)
        bytes += [0x4B, 0x61, 0x64, 0xFD, 0x6B, 0xF6, 0x79, 0x20, 0xFE, 0x75, 0x62, 0x65, 0x73, 0x69, 0x20] + Array("\(tckn)\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: a + "/" + cp1254))
        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(try git(["log", "--all", "--format=%H", "-S", tckn], in: a), "", "no identity number in any commit")
        XCTAssertEqual(try git(["log", "--all", "--format=%H", "-S", "0532 123 45 67"], in: a), "")
        for path in [extra, outside, unknownDataset, cp1254] {
            XCTAssertEqual(try git(["log", "--all", "--format=%H", "--", path], in: a), "", path)
        }
        let v = try f.gpmsync(["validate", "--format", "json"], in: a)
        let json = try JSONSerialization.jsonObject(with: Data(v.stdout.utf8)) as? [String: Any]
        let found = (json?["diagnostics"] as? [[String: Any]] ?? []).filter { ($0["rule"] as? String)?.hasPrefix("pii-") ?? false }
        XCTAssertEqual(Set(found.compactMap { $0["path"] as? String }), [extra, outside, unknownDataset, cp1254], v.stdout)
    }

    // MARK: Code lists that change

    /// A table submitted earlier uses a code that a newer code list drops: the server would refuse every
    /// submission that still carries it. The client takes it out of the submission, says why, and the
    /// municipality's other work goes through.
    func testAFileCentralNoLongerAcceptsDoesNotBlockLaterSubmissions() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        try f.write(a, residents, Tables.residents([("SYR", "F", 100), ("AFG", "F", 10)]))
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertNotNil(f.centralFile("contrib/34-kadikoy", residents))
        // GPM drops AFG from the nationalities code list on main.
        let admin = f.dir.sub("admin")
        try git(["clone", "-q", f.url("gpm"), admin])
        let list = try String(contentsOfFile: admin + "/codelists/nationalities.csv", encoding: .utf8)
        try write(list.split(separator: "\n").filter { !$0.hasPrefix("AFG,") }.joined(separator: "\n") + "\n",
                  to: admin + "/codelists/nationalities.csv")
        try git(["commit", "-q", "-am", "drop AFG"], in: admin)
        try git(["push", "-q", "origin", "main"], in: admin)

        try f.write(a, residentsQ2, Tables.residents([("SYR", "F", 120)]))
        let r = try f.gpmsync(["sync"], in: a)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("no longer passes"), r.stdout)
        XCTAssertNotNil(f.centralFile("contrib/34-kadikoy", residentsQ2), "the new table goes through")
        XCTAssertNil(f.centralFile("contrib/34-kadikoy", residents), "the old one is taken out until fixed")
        // Fixed, it goes back.
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        try f.gpmsync(["sync"], in: a).check()
        XCTAssertEqual(f.centralFile("contrib/34-kadikoy", residents), Tables.residents([("SYR", "F", 100)]).trimmingCharacters(in: .newlines))
    }

    // MARK: A hostile central

    /// Central's main with `municipalities/<org>` as a symlink out of the clone: `init` writes nothing there,
    /// and no checkout makes a symlink in the working tree.
    func testASymlinkFromCentralIsNeverAWayOut() throws {
        let f = try makeFixture()
        let outside = f.dir.sub("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let work = f.dir.sub("forge")
        try git(["clone", "-q", f.central, work])
        try FileManager.default.createDirectory(atPath: work + "/municipalities", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: work + "/municipalities/34-kadikoy", withDestinationPath: outside)
        try FileManager.default.createDirectory(atPath: work + "/municipalities/16-nilufer/data", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: work + "/municipalities/16-nilufer/data/residents", withDestinationPath: outside)
        try git(["add", "-A"], in: work)
        try git(["commit", "-q", "-m", "hostile"], in: work)
        // Straight into the bare repository: a hostile central runs no hook.
        try git(["fetch", "-q", work, "+main:main"], in: f.central)

        let r = try f.gpmsync(["init", f.dir.sub("a"), "--org-unit", "34-kadikoy", "--central", f.url("ayse"), "--user", "ayse"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [], "nothing written outside the clone: \(r.stdout)\(r.stderr)")
        let n = try f.gpmsync(["init", f.dir.sub("n"), "--org-unit", "16-nilufer", "--central", f.url("ayse"), "--user", "ayse"])
        XCTAssertEqual(n.status, 0, n.stdout + n.stderr)
        var st = stat()
        XCTAssertEqual(lstat(f.dir.sub("n/municipalities/16-nilufer/data/residents"), &st), 0)
        XCTAssertNotEqual(st.st_mode & S_IFMT, S_IFLNK, "checked out as a plain file, not a symlink")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [])
    }

    /// Central's notes ref pointing at a blob: status still works and says the outcomes cannot be read.
    func testNotesRefPointingAtABlobIsTreatedAsNoNotes() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        try f.write(a, residents, Tables.residents([("SYR", "F", 100)]))
        try f.gpmsync(["sync"], in: a).check()
        let blob = try git(["hash-object", "-w", "--stdin"], in: f.central, environment: [:])
        try git(["update-ref", "refs/notes/gpmsync-review", blob], in: f.central)
        try f.gpmsync(["sync"], in: a).check()
        let text = try f.gpmsync(["status"], in: a)
        XCTAssertNotEqual(text.status, 2, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.contains("review notes"), text.stdout)
        let json = try f.gpmsync(["status", "--format", "json"], in: a)
        let status = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((status?["warnings"] as? [Any])?.count, 1, json.stdout + json.stderr)
        XCTAssertEqual((status?["submissions"] as? [Any])?.count, 1)
    }

    /// A table of many megabytes arrives from central: sync prints a summary of it, not every row, and
    /// stays within a bounded memory.
    func testAHugeTableFromCentralIsSummarised() throws {
        let f = try makeFixture()
        let a = try f.clone("a", org: "34-kadikoy", user: "ayse")
        let work = f.dir.sub("forge")
        try git(["clone", "-q", f.central, work])
        let big = "municipalities/16-nilufer/data/residents/2025Q1.csv"
        let small = "municipalities/16-nilufer/data/residents/2024Q4.csv"
        var text = Tables.residentsHeader
        let codes = ["TP", "IP_APPLICANT", "IP_STATUS", "RP_SHORT", "RP_FAMILY", "RP_STUDENT", "RP_LONG", "WORK_PERMIT"]
        for i in 0..<400_000 { text += "\(codes[i % codes.count]),N\(i),F,ALL,\(i),admin_register,,\n" }
        try write(text, to: work + "/" + big)
        try write(Tables.residents((0..<200).map { ("X\($0)", "F", $0 + 10) }), to: work + "/" + small)
        try git(["add", "-A"], in: work)
        try git(["commit", "-q", "-m", "huge"], in: work)
        try git(["fetch", "-q", work, "+main:main"], in: f.central)

        let r = try TestSupport.run("/usr/bin/time", ["-f", "maxrss_kb=%M", gpmsyncBinary, "sync"], in: a, environment: ["LANG": "C"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rss = Int(String(r.stderr.components(separatedBy: "maxrss_kb=").last ?? "").trimmingCharacters(in: CharacterSet.whitespacesAndNewlines)) ?? 0
        // The table is never parsed: what sync holds is libgit2's copy of one blob, not rows and strings.
        XCTAssertGreaterThan(rss, 0, r.stderr)
        XCTAssertLessThan(rss, 150_000, "peak RSS in kB for a \(text.utf8.count)-byte table")
        XCTAssertLessThan(r.stdout.utf8.count, 20_000, String(r.stdout.prefix(2000)))
        XCTAssertTrue(r.stdout.contains("too large to compare"), String(r.stdout.prefix(2000)))
        XCTAssertTrue(r.stdout.contains("150 more change(s)"), String(r.stdout.prefix(2000)))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: a + "/" + big)[.size] as? Int, text.utf8.count)
    }
}
