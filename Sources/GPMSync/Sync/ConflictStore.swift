import Foundation
import GPMCore

/// One conflicting cell (or field, or row) recorded by a merge, kept until a person resolves it.
public struct RecordedConflict: Codable, Sendable, Equatable {
    public var path: String
    /// The row key (`TP|SYR|F|ALL`) or front-matter field; empty for a whole-file conflict.
    public var key: String
    /// The column, empty for a row-level conflict.
    public var field: String
    public var ancestor: String?
    public var local: String?
    public var central: String?
    public var localCommit: String
    public var centralCommit: String
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
