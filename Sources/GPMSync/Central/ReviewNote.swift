import Foundation
import GPMCore

/// The note on a reviewed contribution commit, under `refs/notes/gpmsync-review` (the SPEC's JSON shape).
public struct ReviewNote: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case received, invalid, has_issues, approved, rejected }
    public var state: State
    public var reviewer: String
    public var at: String
    public var reason: String
    public var diagnostics: [Diagnostic]

    public init(state: State, reviewer: String, at: Date = Date(), reason: String = "", diagnostics: [Diagnostic] = []) {
        self.state = state
        self.reviewer = reviewer
        self.at = ISO8601DateFormatter().string(from: at)
        self.reason = reason
        self.diagnostics = diagnostics
    }


    public init?(json: String) {
        guard let note = try? JSONDecoder().decode(ReviewNote.self, from: Data(json.utf8)) else { return nil }
        self = note
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
