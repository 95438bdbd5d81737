import Foundation
import GPMCore
import Git
import GPMSync
import LoopbackServers

/// `gpmsync demo`: a central repository and three municipalities from the real code list under
/// `Repos/demo/`, and a short story told as it happens — edits, an offline period, a conflict between two
/// laptops, a refused personal identifier, central intake, a review, and everyone ending with the data.
public struct DemoStory {
    let root: String
    /// The language the story is told in (`--lang`, else `LANG`).
    let language: Language
    let print: (String) -> Void
    let server: LoopbackGitServers

    static let residentsHeader = "legal_status,nationality,sex,age_group,count,source,missing_reason,comment\n"
    static let servicesHeader = "service_area,legal_status,nationality,sex,age_group,unique_beneficiaries,service_contacts,source,missing_reason,comment\n"

    public init(root: String, language: Language = .en, say: @escaping (String) -> Void) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.language = language
        self.print = say
        self.server = LoopbackGitServers(base: self.root)
    }

    /// The facts a test checks at the end.
    public struct EndState: Sendable {
        public var mainHasKadikoy: Bool
        public var karesiReceivedKadikoy: Bool
        public var niluferSawRejection: String?
        public var kadikoyState: String
        public var piiNeverCommitted: Bool
        public var conflictResolved: Bool
    }

    public func run() throws -> EndState {
        guard LoopbackGitServers.daemonBinary != nil else {
            throw GPMError(.usage, en: "the demo needs git daemon (Debian package git)", tr: "tanıtım için git daemon gerekir (Debian paketi: git)")
        }
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { server.stopAll() }
        let central = root + "/central.git"

        chapter("1. GPM creates the central repository", "1. GPM merkez depoyu kurar")
        try CentralSetup.create(at: central)
        try CentralSetup.grant(central: central, user: "ayse", role: .municipality, orgUnit: "34-kadikoy")
        try CentralSetup.grant(central: central, user: "mehmet", role: .municipality, orgUnit: "16-nilufer")
        try CentralSetup.grant(central: central, user: "zeynep", role: .municipality, orgUnit: "10-karesi")
        try CentralSetup.grant(central: central, user: "elif", role: .reviewer, orgUnit: nil)
        for user in ["ayse", "mehmet", "zeynep", "elif"] { try server.start(user) }
        say("   \(central): main holds datapackage.json, \(CentralSetup.templateFiles.count - 3) code lists, access.csv; pre-receive hook installed",
            "   \(central): ana veride datapackage.json, \(CentralSetup.templateFiles.count - 3) kod listesi ve access.csv var; gelen gönderimleri doğrulayan kanca (pre-receive) kuruldu")
        say("   users: ayse (Kadıköy), mehmet (Nilüfer), zeynep (Karesi), elif (reviewer); each reaches central through git:// on loopback",
            "   kullanıcılar: ayse (Kadıköy), mehmet (Nilüfer), zeynep (Karesi), elif (inceleyici); her biri merkeze bu makinedeki git:// sunucusundan bağlanır")

        chapter("2. Three municipalities set up their clones", "2. Üç belediye kendi kopyalarını kurar")
        let kadikoy = try clone("kadikoy", "34-kadikoy", "ayse")
        let kadikoy2 = try clone("kadikoy-laptop2", "34-kadikoy", "ayse")
        let nilufer = try clone("nilufer", "16-nilufer", "mehmet")
        let karesi = try clone("karesi", "10-karesi", "zeynep")

        chapter("3. Kadıköy enters residents for 2025Q3 and a good practice", "3. Kadıköy 2025Q3 dönemi ikamet verilerini ve bir iyi uygulamayı girer")
        try write(kadikoy, "municipalities/34-kadikoy/data/residents/2025Q3.csv", Self.residentsHeader + """
            TP,SYR,F,ALL,1180,admin_register,,
            TP,SYR,M,ALL,1265,admin_register,,
            TP,SYR,UNK,ALL,0,admin_register,,
            TP,SYR,ALL,ALL,2445,admin_register,,
            TP,AFG,ALL,ALL,,,suppressed,below 5

            """)
        try write(kadikoy, "municipalities/34-kadikoy/practices/gp-2025-01-women-language-course.md", Self.practice)
        try sync(kadikoy, "Kadıköy")

        chapter("4. Nilüfer works offline during an outage", "4. Nilüfer bağlantı kesintisi sırasında çevrimdışı çalışır")
        server.stop("mehmet")
        try write(nilufer, "municipalities/16-nilufer/data/services/2025-09.csv", Self.servicesHeader + """
            language_course,TP,SYR,F,ALL,42,96,service_log,,
            psychosocial,TP,SYR,F,ALL,17,30,service_log,,
            ALL,TP,SYR,F,ALL,51,126,service_log,,

            """)
        try sync(nilufer, "Nilüfer")
        let outbox = try StatusReport.build(nilufer).outbox
        say("   Nilüfer's outbox: \(outbox.files.count) file(s), \(outbox.rowsAdded) row(s) wait for the connection",
            "   Nilüfer'in giden kutusu: \(outbox.files.count) dosya, \(outbox.rowsAdded) satır bağlantıyı bekliyor")

        chapter("5. Karesi types an identity number by mistake", "5. Karesi yanlışlıkla bir T.C. kimlik numarası girer")
        try write(karesi, "municipalities/10-karesi/data/residents/2025Q3.csv", Self.residentsHeader + """
            TP,SYR,ALL,ALL,310,admin_register,,
            IP_APPLICANT,AFG,ALL,ALL,24,admin_register,,called 10000000146

            """)
        let refused = try Committer.commit(karesi)
        for d in refused.heldBack {
            say("   refused locally: \(d.formatted(.en))", "   bilgisayarda kaydedilmedi: \(d.formatted(.tr))")
        }
        say("   the file stays on the laptop, never in git history; Karesi fixes it:",
            "   dosya bilgisayarda kalır, kayıt geçmişine hiç girmez; Karesi düzeltir:")
        try write(karesi, "municipalities/10-karesi/data/residents/2025Q3.csv", Self.residentsHeader + """
            TP,SYR,ALL,ALL,310,admin_register,,
            IP_APPLICANT,AFG,ALL,ALL,24,admin_register,,

            """)
        try sync(karesi, "Karesi")

        chapter("6. Two Kadıköy laptops change the same cell", "6. Kadıköy'deki iki bilgisayar aynı hücreyi değiştirir")
        _ = try SyncCycle.run(kadikoy2)
        try edit(kadikoy, "municipalities/34-kadikoy/data/residents/2025Q3.csv", "TP,SYR,F,ALL,1180", "TP,SYR,F,ALL,1190")
        try edit(kadikoy, "municipalities/34-kadikoy/data/residents/2025Q3.csv", "TP,SYR,ALL,ALL,2445", "TP,SYR,ALL,ALL,2455")
        try edit(kadikoy2, "municipalities/34-kadikoy/data/residents/2025Q3.csv", "TP,SYR,F,ALL,1180", "TP,SYR,F,ALL,1185")
        try edit(kadikoy2, "municipalities/34-kadikoy/data/residents/2025Q3.csv", "TP,SYR,ALL,ALL,2445", "TP,SYR,ALL,ALL,2450")
        try sync(kadikoy, laptop(1))
        try sync(kadikoy2, laptop(2))
        let conflicts = ConflictStore(repository: kadikoy2).load()
        say("   laptop 2 kept its own values; the conflict is listed, not lost:",
            "   2. bilgisayar kendi değerlerini korudu; çakışma kaybolmaz, listelenir:")
        for c in conflicts {
            say("     \(c.path) \(c.key)/\(c.field): ancestor \(c.ancestor ?? "∅"), local \(c.ours ?? "∅"), central \(c.theirs ?? "∅")",
                "     \(c.path) \(c.key)/\(c.field): önceki değer \(c.ancestor ?? "∅"), yerel değer \(c.ours ?? "∅"), merkezdeki değer \(c.theirs ?? "∅")")
        }
        say("   the staff agree laptop 1 was right: gpmsync resolve … --theirs",
            "   çalışanlar 1. bilgisayarın değerinde anlaşır: gpmsync resolve … --theirs")
        try Resolution.resolve(kadikoy2, path: "municipalities/34-kadikoy/data/residents/2025Q3.csv", choice: .theirs)
        try sync(kadikoy2, laptop(2))

        chapter("7. Nilüfer is back online", "7. Nilüfer yeniden çevrimiçi")
        try server.start("mehmet")
        try sync(nilufer, "Nilüfer")

        chapter("8. GPM's intake validates every contribution", "8. GPM gelen her katkıyı yeniden doğrular")
        let session = try CentralSession(location: server.url("elif"))
        for o in try CentralProcess.run(session) ?? [] {
            say("   \(o.org) \(o.tip.prefix(10)): \(o.state.rawValue), \(o.errors) error(s), \(o.warnings) warning(s)",
                "   \(o.org) \(o.tip.prefix(10)): \(Glossary.state(o.state.rawValue, .tr)), \(o.errors) hata, \(o.warnings) uyarı")
        }

        chapter("9. The reviewer decides", "9. İnceleyici karar verir")
        let review = try Review(session: CentralSession(location: server.url("elif")), reviewer: "elif")
        for p in try review.list() {
            say("   pending: \(p.org) \(p.tip.prefix(10)) rows +\(p.rowsAdded) -\(p.rowsRemoved) ~\(p.rowsChanged), \(p.errors) error(s)",
                "   karar bekleyen: \(p.org) \(p.tip.prefix(10)) satır +\(p.rowsAdded) -\(p.rowsRemoved) ~\(p.rowsChanged), \(p.errors) hata")
        }
        let shown = try review.show(org: "34-kadikoy")
        say("   review show 34-kadikoy:", "   gpmsync review show 34-kadikoy:")
        print(indent(shown.diff.text(language).description))
        let merged = try review.approve(org: "34-kadikoy", expectedTip: shown.tip.hex)
        say("   approved Kadıköy: main is now \(merged.short)", "   Kadıköy'ün katkısı onaylandı; ana verinin yeni kaydı: \(merged.short)")
        let karesiShown = try review.show(org: "10-karesi")
        _ = try review.approve(org: "10-karesi", expectedTip: karesiShown.tip.hex)
        say("   approved Karesi", "   Karesi'nin katkısı onaylandı")
        let reason = language == .tr
            ? "language_course satırındaki service_contacts değeri iki katına çıkmış görünüyor; lütfen Eylül kayıtlarını kontrol edin"
            : "service_contacts for language_course look doubled; please check the September log"
        let niluferShown = try review.show(org: "16-nilufer")
        try review.sendBack(org: "16-nilufer", state: .rejected, reason: reason, expectedTip: niluferShown.tip.hex)
        say("   rejected Nilüfer: \(reason)", "   Nilüfer'in katkısı reddedildi: \(reason)")

        chapter("10. Everyone syncs and sees the outcome", "10. Herkes eşitleme yapar ve sonucu görür")
        for (repo, name) in [(kadikoy, "Kadıköy"), (kadikoy2, laptop(2)), (nilufer, "Nilüfer"), (karesi, "Karesi")] {
            try sync(repo, name)
            let status = try StatusReport.build(repo)
            let last = status.submissions.first.map { "\(Glossary.state($0.state, language))\($0.reason.map { ": " + $0 } ?? "")" }
            say("   \(name): state \(status.state.rawValue); last submission \(last ?? "none")",
                "   \(name): durum \(Glossary.syncStates[status.state.rawValue]!.tr); son gönderim: \(last ?? "yok")")
        }
        let centralRepo = try Repository.open(central)
        let main = try centralRepo.reference(Refs.main)!
        let mainFiles = try centralRepo.treeEntries(try centralRepo.commit(main).tree)
        let karesiHas = FileManager.default.fileExists(atPath: karesi.root + "/municipalities/34-kadikoy/data/residents/2025Q3.csv")
        let piiInHistory = try history(of: karesi).contains("10000000146")
        let end = EndState(
            mainHasKadikoy: mainFiles["municipalities/34-kadikoy/data/residents/2025Q3.csv"] != nil,
            karesiReceivedKadikoy: karesiHas,
            niluferSawRejection: try StatusReport.build(nilufer).submissions.first { $0.state == "rejected" }?.reason,
            kadikoyState: try StatusReport.build(kadikoy).state.rawValue,
            piiNeverCommitted: !piiInHistory,
            conflictResolved: ConflictStore(repository: kadikoy2).load().isEmpty)
        chapter("The end", "Son")
        say("   central main has Kadıköy's and Karesi's records: \(yes(end.mainHasKadikoy)); Karesi received Kadıköy's: \(yes(end.karesiReceivedKadikoy))",
            "   ana veride Kadıköy'ün ve Karesi'nin verileri var: \(yes(end.mainHasKadikoy)); Kadıköy'ün verileri Karesi'ye ulaştı: \(yes(end.karesiReceivedKadikoy))")
        say("   Nilüfer sees why it was sent back: \(end.niluferSawRejection ?? "-")",
            "   Nilüfer katkısının neden geri gönderildiğini görüyor: \(end.niluferSawRejection ?? "-")")
        say("   the identity number never entered git history: \(yes(end.piiNeverCommitted))",
            "   kimlik numarası kayıt geçmişine hiç girmedi: \(yes(end.piiNeverCommitted))")
        say("   everything is under \(root)", "   her şey \(root) klasöründe")
        return end
    }

    // MARK: Steps

    /// A line of the story in its language.
    private func say(_ en: String, _ tr: String) { print(language == .tr ? tr : en) }

    private func chapter(_ en: String, _ tr: String) { say("\n== \(en)", "\n== \(tr)") }

    /// One of Kadıköy's two computers, as the story names it.
    private func laptop(_ n: Int) -> String { language == .tr ? "Kadıköy \(n). bilgisayar" : "Kadıköy laptop \(n)" }

    private func yes(_ fact: Bool) -> String {
        switch (fact, language) {
        case (true, .tr): return "evet"
        case (false, .tr): return "hayır"
        case (true, _): return "yes"
        case (false, _): return "no"
        }
    }

    private func clone(_ name: String, _ org: String, _ user: String) throws -> DataRepository {
        let path = root + "/" + name
        try CloneSetup.create(at: path, orgUnit: org, centralURL: server.url(user), user: user)
        say("   \(path): \(org), user \(user)", "   \(path): \(org), kullanıcı \(user)")
        return try DataRepository(path: path)
    }

    private func write(_ repo: DataRepository, _ path: String, _ text: String) throws {
        try AtomicFile.write(text, to: repo.root + "/" + path)
        say("   \(repo.orgUnit ?? "") saved \(path)", "   \(repo.orgUnit ?? "") \(path) dosyasını kaydetti")
    }

    private func edit(_ repo: DataRepository, _ path: String, _ old: String, _ new: String) throws {
        let file = repo.root + "/" + path
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: old, with: new)
        try AtomicFile.write(text, to: file)
        print("   \((repo.root as NSString).lastPathComponent): \(old) → \(new)")
    }

    private func sync(_ repo: DataRepository, _ name: String) throws {
        let report = try SyncCycle.run(repo)
        if let c = report.committed?.commit {
            say("   \(name) recorded \(c.short): \(report.committed!.summary)", "   \(name) \(c.short) kaydını oluşturdu: \(report.committed!.summary)")
        }
        if !report.received.isEmpty {
            say("   \(name) received: \(report.received.summary())", "   \(name) merkezden gelenleri aldı: \(report.received.summary())")
        }
        for c in report.newConflicts {
            say("   \(name) CONFLICT \(c.path) \(c.key)/\(c.field): local \(c.ours ?? "∅") vs central \(c.theirs ?? "∅")",
                "   \(name) ÇAKIŞMA \(c.path) \(c.key)/\(c.field): yerel değer \(c.ours ?? "∅"), merkezdeki değer \(c.theirs ?? "∅")")
        }
        if let s = report.submitted {
            say("   \(name) submitted \(s.commit.short): \(s.diff.summary())", "   \(name) \(s.commit.short) kaydını merkeze gönderdi: \(s.diff.summary())")
        }
        if let f = report.failure {
            say("   \(name): \(f.en) (exit \(f.exitCode.rawValue))", "   \(name): \(f.tr) (çıkış kodu \(f.exitCode.rawValue))")
        }
        if report.submitted == nil && report.failure == nil && report.newConflicts.isEmpty {
            say("   \(name) is up to date", "   \(name) güncel")
        }
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n").map { "     " + $0 }.joined(separator: "\n")
    }

    /// Every blob ever committed in a clone, as text (to show personal data never got there).
    private func history(of repo: DataRepository) throws -> String {
        var text = ""
        guard let head = try repo.git.headCommit() else { return "" }
        for c in try repo.git.log(from: head) {
            for (_, e) in try repo.git.treeEntries(try repo.git.commit(c).tree) {
                text += String(decoding: try repo.git.readBlob(e.id), as: UTF8.self)
            }
        }
        return text
    }

    static let practice = """
        ---
        id: gp-2025-01-women-language-course
        title:
          tr: Göçmen kadınlar için Türkçe ve mesleki beceri kursu
          en: Turkish and vocational skills course for migrant women
        municipality: 34-kadikoy
        period:
          start: 2025-01-15
        status: ongoing
        themes: [language, women, employment]
        target_groups: [women under temporary protection]
        contact:
          unit: Sosyal Destek Hizmetleri Müdürlüğü
        sdg_targets: ["10.7", "5.5"]
        gcm_objectives: [16, 18]
        ---
        ## Özet
        Haftada üç gün Türkçe ve mesleki beceri kursu; kurs saatlerinde çocuk bakımı sağlanıyor.

        ## Bağlam
        Kadın katılımcıların çoğu çocuk bakımı nedeniyle kurslara devam edemiyordu.

        ## Faaliyetler
        Türkçe A1–A2, dikiş ve bilgisayar okuryazarlığı modülleri.

        ## Sonuçlar
        İlk dönemde 48 kişi kaydoldu, 39 kişi kursu tamamladı.

        ## Çıkarılan dersler
        Çocuk bakımı olmadan kadınların katılımı düşük kalıyor.

        """
}
