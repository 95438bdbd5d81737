import Foundation
import TestSupport
import XCTest

/// What a municipal employee reads with `--lang tr`: the demo and the daily commands, run as the binary, in
/// Turkish without English words (values, file names, codes and quoted commands aside).
final class TurkishOutputTests: XCTestCase {
    /// The deny list; a word counts only as a whole word of prose (see `prose`).
    static let denied: Set<String> = ["approved", "rejected", "received", "error", "warning", "added", "modified",
                                      "commit", "push", "main", "branch"]

    /// The English words of `output` that a Turkish reader must not meet, with the line each is on.
    static func english(in output: String) -> [String] {
        output.split(separator: "\n").flatMap { line in
            prose(String(line)).filter(denied.contains).map { "\($0) in: \(line)" }
        }
    }

    /// The words of a line as prose, lower-cased: paths, codes, identifiers and flags (anything with
    /// `/ _ - . = :` inside), hashes and quoted names ('…') left out: they are values, not words.
    static func prose(_ line: String) -> [String] {
        var text = ""
        var quoted = false
        for ch in line {
            if ch == "'" { quoted.toggle(); text.append(" "); continue }
            text.append(quoted ? " " : ch)
        }
        return text.split(whereSeparator: \.isWhitespace).compactMap { token in
            let word = token.trimmingCharacters(in: CharacterSet.punctuationCharacters.union(.symbols))
            if word.contains(where: { "/_-.=:".contains($0) }) { return nil }
            return word.allSatisfy(\.isLetter) ? word.lowercased() : nil
        }
    }

    func assertTurkish(_ r: ProcessResult, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let found = Self.english(in: r.stdout + "\n" + r.stderr)
        XCTAssertEqual(found, [], "\(what):\n\(r.stdout)\n\(r.stderr)", file: file, line: line)
        XCTAssertFalse((r.stdout + r.stderr).isEmpty, "\(what) printed nothing", file: file, line: line)
    }

    func testTheProseFilterKeepsWordsAndDropsValues() {
        XCTAssertEqual(Self.prose("error: 'main' refs/heads/main type-error SYR a1b2c3 Commit."), ["error", "syr", "commit"])
        XCTAssertEqual(Self.english(in: "durum: hata\nson sorun: push failed"), ["push in: son sorun: push failed"])
    }

    func testTheDemoSpeaksTurkishWithLangAndWithLANG() throws {
        let dir = TemporaryDirectory("gpmsync-tr")
        let withFlag = try TestSupport.run(gpmsyncBinary, ["demo", "--dir", dir.sub("flag"), "--lang", "tr"], environment: ["LANG": "C"])
        XCTAssertEqual(withFlag.status, 0, withFlag.stderr)
        assertTurkish(withFlag, "demo --lang tr")
        XCTAssertTrue(withFlag.stdout.contains("İnceleyici karar verir"), withFlag.stdout)
        XCTAssertTrue(withFlag.stdout.contains("reddedildi"), withFlag.stdout)
        let withLANG = try TestSupport.run(gpmsyncBinary, ["demo", "--dir", dir.sub("env")], environment: ["LANG": "tr_TR.UTF-8"])
        XCTAssertEqual(withLANG.status, 0, withLANG.stderr)
        assertTurkish(withLANG, "LANG=tr_TR.UTF-8 demo")
        // And English stays English.
        let english = try TestSupport.run(gpmsyncBinary, ["demo", "--dir", dir.sub("en")], environment: ["LANG": "C"])
        XCTAssertTrue(english.stdout.contains("The reviewer decides"), english.stdout)
    }

    func testTheDailyCommandsSpeakTurkish() throws {
        let f = try Fixture(users: [("ayse", "municipality", "34-kadikoy"), ("ali", "municipality", "34-kadikoy"),
                                    ("elif", "reviewer", nil)])
        try f.startServer("stranger")
        let tr = ["--lang", "tr"]
        let residents = "municipalities/34-kadikoy/data/residents/2025Q1.csv"
        let reviewer = ["XDG_CACHE_HOME": f.dir.sub("cache")]

        // init, and a first sync that submits.
        let a = f.dir.sub("a")
        var r = try f.gpmsync(["init", a, "--org-unit", "34-kadikoy", "--central", f.url("ayse"), "--user", "ayse"] + tr)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertTurkish(r, "init")
        try f.write(a, residents, Tables.residents([("SYR", "F", 100), ("SYR", "M", 90)]))
        r = try f.gpmsync(["sync"] + tr, in: a)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertTurkish(r, "sync")
        let b = try f.clone("b", org: "34-kadikoy", user: "ali")

        // Offline: the failure in Turkish, libgit2's words only with --verbose.
        f.stopServer("ayse")
        try f.write(a, residents, Tables.residents([("SYR", "F", 101), ("SYR", "M", 90)]))
        r = try f.gpmsync(["sync"] + tr, in: a)
        XCTAssertEqual(r.status, 3, r.stderr)
        assertTurkish(r, "sync offline")
        XCTAssertTrue(r.stderr.contains("merkez depoya ulaşılamadı"), r.stderr)
        XCTAssertFalse(r.stderr.contains("ayrıntı:"), r.stderr)
        r = try f.gpmsync(["status"] + tr, in: a)
        assertTurkish(r, "status offline")
        XCTAssertTrue(r.stdout.contains("durum: çevrimdışı") && r.stdout.contains("son sorun: eşitleme: merkez depoya ulaşılamadı"), r.stdout)
        r = try f.gpmsync(["sync", "--verbose"] + tr, in: a)
        XCTAssertTrue(r.stderr.contains("gpmsync: ayrıntı: "), r.stderr)
        try f.startServer("ayse")
        try f.gpmsync(["sync"], in: a).check()

        // A conflict between two laptops: sync, status, conflicts, resolve.
        try f.gpmsync(["sync"], in: b).check()
        try f.write(a, residents, Tables.residents([("SYR", "F", 110), ("SYR", "M", 90)]))
        try f.write(b, residents, Tables.residents([("SYR", "F", 120), ("SYR", "M", 90)]))
        try f.gpmsync(["sync"], in: a).check()
        r = try f.gpmsync(["sync"] + tr, in: b)
        XCTAssertEqual(r.status, 4, r.stderr)
        assertTurkish(r, "sync in conflict")
        r = try f.gpmsync(["status"] + tr, in: b)
        assertTurkish(r, "status in conflict")
        XCTAssertTrue(r.stdout.contains("durum: çakışma"), r.stdout)
        r = try f.gpmsync(["conflicts"] + tr, in: b)
        XCTAssertEqual(r.status, 4, r.stderr)
        assertTurkish(r, "conflicts")
        XCTAssertTrue(r.stdout.contains("önceki değer") && r.stdout.contains("SYR (Suriye)") && r.stdout.contains("F (Kadın)"), r.stdout)
        r = try f.gpmsync(["resolve", residents, "--theirs"] + tr, in: b)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertTurkish(r, "resolve")
        r = try f.gpmsync(["resolve", residents] + tr, in: b)
        XCTAssertEqual(r.status, 2, r.stderr)
        assertTurkish(r, "resolve without a choice")
        try f.gpmsync(["sync"], in: b).check()

        // Broken files: validate, commit, status.
        let broken = [
            "municipalities/34-kadikoy/data/residents/2025Q2.csv": Tables.residentsHeader + "TP,XXX,F,ALL,abc,admin_register,,\nTP,SYR,F,ALL,-3,admin_register,,\n",
            "municipalities/34-kadikoy/data/residents/2025Q3.csv": "legal_status,nationality\nTP,SYR\n",
            "municipalities/34-kadikoy/data/residents/2099Q1.csv": Tables.residents([("SYR", "F", 3)]),
            "municipalities/34-kadikoy/data/residents/2024Q4.csv": Tables.residentsHeader + "TP,SYR,F,ALL,10,admin_register,,\nTP,SYR,M,ALL,10,admin_register,,\nTP,SYR,ALL,ALL,5,admin_register,,\nTP,SYR,F,ALL,1,admin_register,,\n",
            "municipalities/34-kadikoy/data/services/2025-01.csv": Tables.servicesHeader + "education,TP,SYR,F,ALL,10,5,service_log,,\neducation,TP,SYR,M,ALL,,,service_log,,\n",
            "municipalities/34-kadikoy/data/unknown/2025.csv": "a,b\n1,2\n",
            "municipalities/34-kadikoy/practices/gp-broken.md": "---\nid: gp-other\ntitle: [\n---\n## Özet\n",
            "municipalities/34-kadikoy/practices/gp-2025-02-x.md": "---\nid: gp-2025-02-x\nstatus: ongoing\n---\n## Özet\nyok\n",
            "municipalities/34-kadikoy/notes.txt": "x\n",
            "municipalities/34-kadikoy/data/residents/2025Q4.csv": Tables.residentsHeader + "TP,SYR,F,ALL,10,admin_register,,\"unclosed\n",
        ]
        for (path, text) in broken { try f.write(a, path, text) }
        r = try f.gpmsync(["validate"] + tr, in: a)
        XCTAssertEqual(r.status, 1, r.stderr)
        assertTurkish(r, "validate on broken files")
        XCTAssertTrue(r.stdout.contains(": hata"), r.stdout)
        r = try f.gpmsync(["commit"] + tr, in: a)
        assertTurkish(r, "commit with broken files")
        r = try f.gpmsync(["status"] + tr, in: a)
        assertTurkish(r, "status with broken files")
        for path in broken.keys { try FileManager.default.removeItem(atPath: a + "/" + path) }
        try f.gpmsync(["commit"], in: a).check()

        // The reviewer's side.
        try f.write(a, "municipalities/34-kadikoy/data/residents/2025Q1.csv", Tables.residents([("SYR", "F", 130), ("SYR", "M", 90)]))
        try f.gpmsync(["sync"], in: a).check()
        r = try f.gpmsync(["central", "process", "--central", f.central] + tr)
        assertTurkish(r, "central process")
        XCTAssertTrue(r.stdout.contains("alındı"), r.stdout)
        r = try f.gpmsync(["review", "list", "--central", f.central, "--user", "elif"] + tr, env: reviewer)
        assertTurkish(r, "review list")
        r = try f.gpmsync(["review", "show", "34-kadikoy", "--central", f.central, "--user", "elif"] + tr, env: reviewer)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertTurkish(r, "review show")
        r = try f.gpmsync(["review", "show", "34-kadikoy", "--central", f.central, "--user", "elif", "--format", "html"] + tr, env: reviewer)
        XCTAssertTrue(r.stdout.contains("<html lang=\"tr\">") && r.stdout.contains("değişen satırlar"), r.stdout)
        r = try f.gpmsync(["review", "approve", "34-kadikoy", "--central", f.central, "--user", "elif"] + tr, env: reviewer)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertTurkish(r, "review approve")
        try f.write(a, residents, Tables.residents([("SYR", "F", 140), ("SYR", "M", 90)]))
        try f.gpmsync(["sync"], in: a).check()
        try f.gpmsync(["review", "show", "34-kadikoy", "--central", f.central, "--user", "elif"], env: reviewer).check()
        r = try f.gpmsync(["review", "reject", "34-kadikoy", "--reason", "sayılar eksik", "--central", f.central, "--user", "elif"] + tr, env: reviewer)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertTurkish(r, "review reject")
        XCTAssertTrue(r.stdout.contains("reddedildi"), r.stdout)
        r = try f.gpmsync(["sync"] + tr, in: a)
        assertTurkish(r, "sync after the review")
        r = try f.gpmsync(["status"] + tr, in: a)
        assertTurkish(r, "status after the review")
        XCTAssertTrue(r.stdout.contains("reddedildi (elif): sayılar eksik") && r.stdout.contains("onaylandı (elif)"), r.stdout)

        // The door refuses a user it does not know: the pusher's gpmsync shows the Turkish half only.
        let s = f.dir.sub("s")
        try f.gpmsync(["init", s, "--org-unit", "34-kadikoy", "--central", f.url("stranger"), "--user", "stranger"]).check()
        try f.write(s, "municipalities/34-kadikoy/data/residents/2024Q1.csv", Tables.residents([("SYR", "F", 7)]))
        r = try f.gpmsync(["sync"] + tr, in: s)
        XCTAssertEqual(r.status, 1, r.stderr)
        assertTurkish(r, "pre-receive refusal")
        XCTAssertTrue(r.stderr.contains("merkez: gönderim kabul edilmedi") && r.stderr.contains("'stranger' kullanıcısı access.csv içinde yok"), r.stderr)
        XCTAssertFalse(r.stderr.contains("[tr]") || r.stderr.contains("[en]"), r.stderr)
        r = try f.gpmsync(["sync"], in: s)
        XCTAssertTrue(r.stderr.contains("central: refused access access.csv: user 'stranger' is not in access.csv"), r.stderr)
        XCTAssertFalse(r.stderr.contains("kabul edilmedi"), r.stderr)
        // The git CLI, whose language the hook is not told, gets both, each line tagged; told with a push
        // option, only the one asked for.
        try git(["add", "-A"], in: s)
        try git(["commit", "-q", "--no-verify", "--allow-empty", "-m", "x"], in: s)
        r = try TestSupport.run("/usr/bin/git", ["push", f.url("stranger"), "HEAD:refs/heads/contrib/34-kadikoy"], in: s)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("[en] refused access") && r.stderr.contains("[tr] gönderim kabul edilmedi"), r.stderr)
        r = try TestSupport.run("/usr/bin/git", ["push", "-o", "lang=tr", f.url("stranger"), "HEAD:refs/heads/contrib/34-kadikoy"], in: s)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("gpmsync: gönderim kabul edilmedi"), r.stderr)
        XCTAssertFalse(r.stderr.contains("refused"), r.stderr)
    }
}
