/// Good-practice documents and profiles: the front matter merged field by field (each top-level key's
/// block of lines, so formatting and comments survive), the body by lines with the line merge the caller
/// passes (libgit2's merge-file in gpmsync; the core knows no git).
public enum DocumentMerge {
    /// Merges ancestor, ours and theirs line by line: the merged bytes, or nil when they do not merge cleanly.
    public typealias LineMerge = (_ ancestor: [UInt8], _ ours: [UInt8], _ theirs: [UInt8]) throws -> [UInt8]?

    /// One top-level key of the front matter with the lines under it.
    public struct Block: Sendable, Equatable {
        public var key: String
        public var text: String
    }

    /// The merged document, keeping ours where a field conflicts; nil when a side is deleted or
    /// is not a document (the caller then merges text).
    public static func merge(base: [UInt8]?, ours local: [UInt8]?, theirs central: [UInt8]?, yamlOnly: Bool,
                             lines lineMerge: LineMerge) throws -> FileMerge? {
        guard let local, let central else { return nil }
        let read = { (bytes: [UInt8]) in split(String(decoding: bytes, as: UTF8.self), yamlOnly: yamlOnly) }
        guard let o = read(local), let t = read(central) else { return nil }
        let b = base.flatMap(read)
        let baseBlocks = b.map { blocks($0) } ?? []
        let ourBlocks = blocks(o), theirBlocks = blocks(t)
        var keys = ourBlocks.map(\.key)
        keys += theirBlocks.map(\.key).filter { !keys.contains($0) }
        var conflicts: [CellConflict] = []
        var merged: [String] = []
        func block(_ s: [Block], _ k: String) -> String? { s.first { $0.key == k }?.text }
        for k in keys {
            let bv = block(baseBlocks, k), ov = block(ourBlocks, k), tv = block(theirBlocks, k)
            if ov == tv || tv == bv { if let ov { merged.append(ov) } }
            else if ov == bv { if let tv { merged.append(tv) } }
            else {
                if let ov { merged.append(ov) }
                conflicts.append(CellConflict(key: k, field: "front-matter", ancestor: bv, ours: ov, theirs: tv))
            }
        }
        var result = o
        result.lines = merged.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        if o.body != t.body {
            let baseBody = b?.body ?? ""
            if let m = try lineMerge(Array(baseBody.utf8), Array(o.body.utf8), Array(t.body.utf8)) {
                result.body = String(decoding: m, as: UTF8.self)
            } else {
                conflicts.append(CellConflict(key: "", field: "body", ancestor: baseBody, ours: o.body, theirs: t.body))
            }
        }
        return FileMerge(bytes: Array(result.text().utf8), conflicts: conflicts)
    }

    /// The document or profile split into front matter and body; nil for a document without fences.
    public static func split(_ text: String, yamlOnly: Bool) -> FrontMatter? {
        yamlOnly ? FrontMatter.profile(text) : FrontMatter.document(text)
    }

    /// Front matter as blocks of lines, one per top-level key (a key line and the indented lines under it).
    public static func blocks(_ frontMatter: FrontMatter) -> [Block] {
        var blocks: [Block] = []
        for line in frontMatter.lines {
            let topLevel = !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("\t") && !line.hasPrefix("-") && !line.hasPrefix("#")
            if topLevel, let colon = line.firstIndex(of: ":") {
                blocks.append(Block(key: String(line[..<colon]), text: line))
            } else if !blocks.isEmpty {
                blocks[blocks.count - 1].text += "\n" + line
            } else {
                blocks.append(Block(key: "", text: line))
            }
        }
        return blocks
    }

    /// The front matter with the block for `key` replaced (nil removes it; a new key is appended).
    public static func replacing(_ key: String, with text: String?, in frontMatter: FrontMatter) -> FrontMatter {
        var all = blocks(frontMatter)
        if let i = all.firstIndex(where: { $0.key == key }) {
            if let text { all[i].text = text } else { all.remove(at: i) }
        } else if let text {
            all.append(Block(key: key, text: text))
        }
        var result = frontMatter
        result.lines = all.flatMap { $0.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        return result
    }
}
