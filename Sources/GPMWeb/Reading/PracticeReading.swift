import GPMCore
import GPMPages
import GPMSync

/// The approved good-practice documents: those on central `main`.
enum PracticeReading {
    static func practices(_ session: CentralSession, language: Language) throws -> [Practice] {
        guard let main = session.main else { return [] }
        let git = session.git
        let tree = try git.commit(main).tree
        let directory = OrgUnitDirectory(session)
        var out: [Practice] = []
        for (path, entry) in try git.treeEntries(tree, under: "municipalities") where !entry.isSymlink {
            guard case .practice(let org, let id) = RepositoryPath(path),
                  try git.blobSize(entry.id) <= Validator.maximumFileSize else { continue }
            let doc = PracticeDocument(text: String(decoding: try git.readBlob(entry.id), as: UTF8.self))
            let fm = doc.frontMatter ?? [:]
            let titles = fm["title"]?.mapping
            let title = (language == .en ? titles?["en"]?.string : nil) ?? titles?["tr"]?.string ?? fm["title"]?.string ?? id
            func list(_ key: String) -> [String] { fm[key]?.sequence?.compactMap(\.string) ?? fm[key]?.string.map { [$0] } ?? [] }
            out.append(Practice(id: id, org: org, municipality: directory.name(org), plate: directory.plate(org), province: directory.province(org),
                                title: title, status: fm["status"]?.string ?? "", start: fm["period"]?.mapping?["start"]?.string ?? "",
                                themes: list("themes"), targetGroups: list("target_groups"), body: doc.body))
        }
        return out.sorted { ($0.start, $0.id) > ($1.start, $1.id) }
    }
}
