import Foundation
import GPMCore
import GPMPages
import GPMSync
import GPMWeb
import Hummingbird

/// The staff's page on `--http`: the sync state and what needs a person, drawn from the last computed status
/// (`StatusSnapshot`), with forms for sync now, resolving conflicts and converting a spreadsheet's file.
///
/// Safe by default, as Syncthing's GUI: it listens on loopback and answers only requests addressed to it
/// (`HostCheck`); every state change is a POST that carries the daemon's token, a secret drawn at start and
/// embedded in the page, compared in constant time (a page elsewhere cannot read it, so it cannot forge a
/// form); a GET never changes anything; repository work runs on other threads than the server's.
struct StaffSite: Sendable {
    let root: String
    let stateDirectory: String
    let orgUnit: String
    let user: String
    let snapshot: StatusSnapshot
    let syncer: SyncService
    let token = FormToken.new()

    init(root: String, snapshot: StatusSnapshot, syncer: SyncService) throws {
        let repo = try DataRepository(path: root)
        self.root = root
        stateDirectory = repo.stateDirectory
        orgUnit = repo.orgUnit ?? "?"
        user = repo.user(override: nil) ?? ""
        self.snapshot = snapshot
        self.syncer = syncer
    }

    func register(on router: Router<StaffContext>) {
        router.add(middleware: SecurityHeaders())
        router.add(middleware: StaffLanguage())
        router.add(middleware: tokenCheck(token))
        router.get("/") { request, context in try await overview(request, context) }
        router.get("file") { request, context in try await file(request, context) }
        router.get("practices") { request, context in try await practices(request, context) }
        router.get("practice-template.md") { _, _ in
            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"gp-\(year)-01-short-title.md\""],
                            body: .init(byteBuffer: ByteBuffer(string: StaffPracticesPage.template(orgUnit: orgUnit, year: year))))
        }
        router.get("style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Layout.css + StaffPage.css)))
        }
        router.get("language") { request, _ -> Response in
            let to = request.uri.queryParameters["to"].flatMap { Language(rawValue: String($0)) } ?? .en
            let back = request.uri.queryParameters["back"].map(String.init) ?? "/"
            var response = Response.redirect(to: back.hasPrefix("/") && !back.hasPrefix("//") && !back.hasPrefix("/\\") ? back : "/", type: .found)
            response.setCookie(Cookie(name: "lang", value: to.rawValue, maxAge: 365 * 24 * 3600, path: "/", secure: false, httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("sync") { _, _ in
            await syncer.syncNow()
            return Response.redirect(to: "/?done=sync", type: .normal)
        }
        router.post("resolve") { request, context in try await resolve(request, context) }
        router.post("import") { request, context in try await convert(request, context) }
    }

    // MARK: Pages

    func page(_ request: Request, _ context: StaffContext) -> PageContext {
        PageContext(language: context.language, user: nil, csrf: token, here: request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""), site: .staff)
    }

    func overview(_ request: Request, _ context: StaffContext, flash: Flash? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        if await snapshot.served == nil { await snapshot.refreshed() }
        let served = await snapshot.served
        let schedule = await syncer.schedule()
        let stateDirectory = self.stateDirectory
        let activity = try await Blocking.run { ActivityLog.load(stateDirectory: stateDirectory) }
        let view = overviewModel(served, schedule: schedule, activity: activity)
        var response = html(StaffPage.render(page(request, context), view, token: token, flash: flash ?? done(request, context)))
        response.status = status
        return response
    }

    func overviewModel(_ served: StatusSnapshot.Served?, schedule: (next: Date, running: Bool, offline: Bool), activity: [ActivityEntry]) -> StaffOverview {
        let iso = ISO8601DateFormatter()
        let r = served?.report
        let byFile = Dictionary(grouping: r?.invalid ?? [], by: \.path)
        return StaffOverview(
            orgUnit: orgUnit, user: r?.user ?? user, state: r?.state.rawValue ?? (served?.failed == true ? "error" : ""),
            lastSync: r?.lastSync, lastAttempt: r?.lastAttempt,
            lastFailure: r?.lastFailure ?? (served?.failed == true ? String(decoding: served!.body, as: UTF8.self) : nil),
            nextAttempt: iso.string(from: schedule.next), syncing: schedule.running,
            computedAt: served.map { iso.string(from: $0.computedAt) } ?? "",
            uncommitted: r?.uncommitted ?? [], outboxCommits: r?.outbox.commits ?? 0, outboxFiles: r?.outbox.files ?? [],
            rows: (r?.outbox.rowsAdded ?? 0, r?.outbox.rowsRemoved ?? 0, r?.outbox.rowsChanged ?? 0),
            heldBack: byFile.keys.sorted().map { .init(path: $0, findings: byFile[$0]!, convertible: convertible($0, byFile[$0]!)) },
            conflicts: (r?.conflicts ?? []).map { c in
                .init(path: c.path, key: c.key, field: c.field, ancestor: c.ancestor, mine: c.mine, theirs: c.theirs)
            },
            submissions: (r?.submissions ?? []).map { s in
                .init(commit: s.commit, summary: s.summary, state: s.state, reviewer: s.reviewer, at: s.at, reason: s.reason)
            },
            activity: activity.map { a in
                .init(at: iso.string(from: a.at), outcome: a.outcome, recorded: a.recorded,
                      received: a.received.map { (path: $0.path, added: $0.added, removed: $0.removed, changed: $0.changed) }, submitted: a.submitted,
                      conflicts: a.conflicts, heldBack: a.heldBack, failure: a.failure)
            },
            warnings: r?.warnings ?? [])
    }

    /// A table file the import can convert: one a spreadsheet wrote in its own dialect or encoding.
    func convertible(_ path: String, _ findings: [Diagnostic]) -> Bool {
        guard case .record(let org, _, _) = RepositoryPath(path), org == orgUnit else { return false }
        return findings.contains { $0.rule == "dialect" || $0.rule == "encoding-error" }
    }

    /// The message after an action, from the redirect's query (known actions only).
    func done(_ request: Request, _ context: StaffContext) -> Flash? {
        let w = Words(context.language)
        let q = request.uri.queryParameters
        let path = q["path"].map(String.init) ?? ""
        switch q["done"].map(String.init) {
        case "sync": return Flash(.ok, w("A sync was started; reload the page to see how it ended.", "Eşitleme başlatıldı; nasıl bittiğini görmek için sayfayı yenileyin."))
        case "resolved": return Flash(.ok, w("Resolved in \(path); the next sync sends it.", "\(path) dosyasındaki çakışma çözüldü; sonraki eşitleme gönderir."))
        case "imported": return Flash(.ok, w("\(path) was converted to gpmsync's CSV.", "\(path) dosyası gpmsync CSV biçimine dönüştürüldü."))
        default: return nil
        }
    }

    /// A file of the municipality's folder, or one the status lists as held back, with its findings.
    func file(_ request: Request, _ context: StaffContext) async throws -> Response {
        let path = request.uri.queryParameters["path"].map(String.init) ?? ""
        let listed = await snapshot.served?.report.map { Set($0.invalid.map(\.path) + $0.uncommitted) } ?? []
        let own = RepositoryPath(path).orgUnit == orgUnit
        guard own || listed.contains(path), !path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == ".git" }) else {
            return plain(.notFound, Words(context.language)("No such file in your folder.", "Klasörünüzde böyle bir dosya yok."))
        }
        let root = self.root
        let (text, findings) = try await Blocking.run { () -> (String?, [Diagnostic]) in
            let tree = DirectorySource(root: root)
            guard let entry = tree.entry(at: path), !entry.isSymlink, entry.size <= Validator.maximumFileSize, let bytes = tree.bytes(at: path) else {
                return (nil, [])
            }
            let text = String(validating: bytes, as: UTF8.self) ?? PersonalData.windows1254(bytes)
            let repo = try DataRepository(path: root)
            return (text, repo.workingTreeValidator().validate(paths: [path]))
        }
        return html(StaffFilePage.render(page(request, context), path: path, text: text, findings: findings, token: token,
                                         convertible: convertible(path, findings)))
    }

    func practices(_ request: Request, _ context: StaffContext) async throws -> Response {
        let root = self.root, org = orgUnit, language = context.language
        let documents = try await Blocking.run { () -> [(id: String, title: String, body: String)] in
            let tree = DirectorySource(root: root)
            return (tree.entries(at: RepositoryPath.folder(of: org) + "/practices") ?? []).compactMap { entry -> (id: String, title: String, body: String)? in
                guard case .practice(_, let id) = RepositoryPath(entry.path), entry.size <= Validator.maximumFileSize,
                      let bytes = tree.bytes(at: entry.path) else { return nil }
                let doc = PracticeDocument(text: String(decoding: bytes, as: UTF8.self))
                let titles = doc.frontMatter?["title"]?.mapping
                let title = (language == .en ? titles?["en"]?.string : nil) ?? titles?["tr"]?.string ?? id
                return (id, title, doc.body)
            }
        }
        return html(StaffPracticesPage.render(page(request, context), orgUnit: orgUnit, documents: documents))
    }

    // MARK: Actions

    /// Settles one conflict (mine, theirs, or a typed value) or all of a file's (mine or theirs for the whole
    /// file) through `Resolution.resolve`, as `gpmsync resolve` does.
    func resolve(_ request: Request, _ context: StaffContext) async throws -> Response {
        let f = context.form
        let path = f["path"] ?? "", key = f["key"] ?? "", field = f["field"] ?? ""
        let target = field.isEmpty ? key : "\(key)/\(field)"
        let w = Words(context.language)
        let root = self.root
        let choiceName = f["choice"] ?? ""
        let typed = f["value"] ?? ""
        do {
            try await Blocking.run {
                let repo = try DataRepository(path: root)
                let inFile = ConflictStore(repository: repo).load().filter { $0.path == path }
                let choice: Resolution.Choice
                switch choiceName {
                case "all-mine": choice = .ours
                case "all-theirs": choice = .theirs
                case "mine", "theirs":
                    guard let c = inFile.first(where: { $0.key == key && $0.field == field }) else {
                        throw GPMError(.usage, en: "no recorded conflict in \(path) for \(target)", tr: "\(path) içinde \(target) için kayıtlı çakışma yok")
                    }
                    let side = choiceName == "mine" ? c.mine : c.theirs
                    if let side { choice = .value(key: target, value: side) }
                    else if inFile.count == 1 { choice = choiceName == "mine" ? .ours : .theirs }
                    else {
                        throw GPMError(.usage, en: "that side removed the record; choose for the whole file", tr: "o taraf kaydı silmiş; tüm dosya için seçin")
                    }
                case "value": choice = .value(key: target, value: typed)
                default: throw GPMError(.usage, en: "choose mine, theirs or a value", tr: "benimkini, merkezinkini ya da bir değer seçin")
                }
                _ = try Resolution.resolve(repo, path: path, choice: choice)
            }
        } catch let e as GPMError {
            await snapshot.refreshed()
            return try await overview(request, context, flash: Flash(.error, w(e.en, e.tr)), status: e.exitCode == .usage ? .badRequest : .conflict)
        }
        context.logger.info("resolved on the page", metadata: ["path": .string(path), "choice": .string(choiceName)])
        await snapshot.refreshed()
        return .redirect(to: "/" + query([("done", "resolved"), ("path", path)]), type: .normal)
    }

    /// Converts a held-back table in place through `SpreadsheetImport`, as `gpmsync import PATH` does.
    func convert(_ request: Request, _ context: StaffContext) async throws -> Response {
        let path = context.form["path"] ?? ""
        let w = Words(context.language)
        guard case .record(let org, _, _) = RepositoryPath(path), org == orgUnit else {
            return try await overview(request, context, flash: Flash(.error, w("Only a table of your folder can be converted.", "Yalnızca klasörünüzdeki bir tablo dönüştürülebilir.")), status: .badRequest)
        }
        let root = self.root
        do {
            let outcome = try await Blocking.run {
                try SpreadsheetImport.importFile(try DataRepository(path: root), file: root + "/" + path, to: nil, replace: false, workingDirectory: root)
            }
            guard outcome.written else {
                let listed = outcome.problems.prefix(10).map { w.text($0) }.joined(separator: "; ")
                let more = outcome.problems.count > 10 ? w(" … and \(outcome.problems.count - 10) more", " … ve \(outcome.problems.count - 10) tane daha") : ""
                return try await overview(request, context, flash: Flash(.error, w("\(path) was not converted; nothing was written. Fix in the spreadsheet: ", "\(path) dönüştürülmedi; hiçbir şey yazılmadı. Hesap tablosunda düzeltin: ") + listed + more), status: .unprocessableContent)
            }
        } catch let e as GPMError {
            return try await overview(request, context, flash: Flash(.error, w(e.en, e.tr)), status: e.exitCode == .usage ? .badRequest : .conflict)
        }
        context.logger.info("converted on the page", metadata: ["path": .string(path)])
        await snapshot.refreshed()
        return .redirect(to: "/" + query([("done", "imported"), ("path", path)]), type: .normal)
    }

    func html(_ page: HTML) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.raw)))
    }

    func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}

/// The two sides of a recorded conflict as the page names them (mine: this computer's; theirs: central's).
extension RecordedConflict {
    /// On a municipality's laptop, ours is always the local side: "mine" on the staff's page.
    var mine: String? { ours }
}

/// The request context of the daemon's server: the reader's language and a posted form's fields.
struct StaffContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var language: Language = .en
    var form: [String: String] = [:]
    init(source: Source) { coreContext = .init(source: source) }
}

/// The reader's language: the `lang` cookie of the switch in the header, else Accept-Language.
struct StaffLanguage: RouterMiddleware {
    func handle(_ request: Request, context: StaffContext, next: (Request, StaffContext) async throws -> Response) async throws -> Response {
        var context = context
        if let cookie = request.cookies["lang"]?.value, let lang = Language(rawValue: String(cookie)) { context.language = lang }
        else { context.language = Words.language(acceptLanguage: request.headers[.acceptLanguage]) }
        return try await next(request, context)
    }
}

extension StaffContext: FormContext {}

/// Every request but GET and HEAD must carry the daemon's token in its form (the shared `FormTokenCheck`).
func tokenCheck(_ token: String) -> FormTokenCheck<StaffContext> {
    FormTokenCheck(field: "token", expected: { _ in token }) { context in
        Response(status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Words(context.language)(
            "This form did not come from this computer's gpmsync page, or the daemon was restarted since. Reload the page and try again.",
            "Bu form bu bilgisayarın gpmsync sayfasından gelmedi ya da daemon o zamandan beri yeniden başlatıldı. Sayfayı yenileyip yeniden deneyin.") + "\n")))
    }
}
