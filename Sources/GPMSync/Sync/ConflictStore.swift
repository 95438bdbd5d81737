import Foundation
import GPMCore

/// One conflicting cell (or field, or row) recorded by a merge, kept until a person resolves it: the
/// path, the conflict as the merge found it, and who its two sides were.
public struct RecordedConflict: Codable, Sendable, Equatable {
    public var path: String
    public var conflict: CellConflict
    public var sides: MergeSides

    public init(path: String, conflict: CellConflict, sides: MergeSides) {
        self.path = path; self.conflict = conflict; self.sides = sides
    }

    /// The row key (`TP|SYR|F|ALL`) or front-matter field; empty for a whole-file conflict.
    public var key: String { conflict.key }
    /// The column, empty for a row-level conflict.
    public var field: String { conflict.field }
    public var ancestor: String? { conflict.ancestor }
    /// The value the merged file kept.
    public var ours: String? { conflict.ours }
    public var theirs: String? { conflict.theirs }

    // Stored flat, as `conflicts --format json` prints it. A store written before the sides were neutral
    // (`local`/`central`, `localCommit`/`centralCommit`) still reads: its conflicts are a person's work.
    enum CodingKeys: String, CodingKey {
        case path, key, field, ancestor, ours, theirs, oursLabel, theirsLabel, oursCommit, theirsCommit
        case local, central, localCommit, centralCommit
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        let legacy = !c.contains(.oursLabel) && (c.contains(.localCommit) || c.contains(.local))
        conflict = CellConflict(key: try c.decode(String.self, forKey: .key), field: try c.decode(String.self, forKey: .field),
                                ancestor: try c.decodeIfPresent(String.self, forKey: .ancestor),
                                ours: try c.decodeIfPresent(String.self, forKey: legacy ? .local : .ours),
                                theirs: try c.decodeIfPresent(String.self, forKey: legacy ? .central : .theirs))
        if legacy {
            sides = .localAndCentral(local: try c.decodeIfPresent(String.self, forKey: .localCommit) ?? "",
                                     central: try c.decodeIfPresent(String.self, forKey: .centralCommit) ?? "")
        } else {
            sides = MergeSides(ours: .init(label: try c.decode(String.self, forKey: .oursLabel), commit: try c.decode(String.self, forKey: .oursCommit)),
                               theirs: .init(label: try c.decode(String.self, forKey: .theirsLabel), commit: try c.decode(String.self, forKey: .theirsCommit)))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(conflict.key, forKey: .key)
        try c.encode(conflict.field, forKey: .field)
        try c.encode(conflict.ancestor, forKey: .ancestor)
        try c.encode(conflict.ours, forKey: .ours)
        try c.encode(conflict.theirs, forKey: .theirs)
        try c.encode(sides.ours.label, forKey: .oursLabel)
        try c.encode(sides.theirs.label, forKey: .theirsLabel)
        try c.encode(sides.ours.commit, forKey: .oursCommit)
        try c.encode(sides.theirs.commit, forKey: .theirsCommit)
    }
}

/// `.git/gpmsync/conflicts.json`, written atomically.
public struct ConflictStore {
    let file: String

    public init(repository: DataRepository) { file = repository.stateDirectory + "/conflicts.json" }

    public func load() -> [RecordedConflict] {
        guard let data = FileManager.default.contents(atPath: file) else { return [] }
        return (try? JSONDecoder().decode([RecordedConflict].self, from: data)) ?? []
    }

    public func save(_ conflicts: [RecordedConflict]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try encoder.encode(conflicts)), to: file)
    }

    /// Unresolved conflicts per path.
    public func counts() -> [String: Int] {
        load().reduce(into: [:]) { $0[$1.path, default: 0] += 1 }
    }
}
