import Yams

/// A good-practice document: YAML front matter between `---` lines, then a Markdown body.
public struct PracticeDocument: Sendable {
    /// The front matter as parsed YAML (nil when there is none or it does not parse).
    public var frontMatter: [String: YAMLValue]?
    /// Why the front matter could not be read, when it could not.
    public var frontMatterError: String?
    /// The YAML text of the front matter and the line the body starts on (1-based).
    public var frontMatterText: String
    public var body: String
    public var bodyFirstLine: Int

    /// Front matter above this size, or nested deeper than `maximumDepth`, is refused unread: a YAML bomb
    /// (billion laughs) expands aliases far beyond its text.
    public static let maximumFrontMatterBytes = 64 * 1024
    public static let maximumDepth = 16
    public static let maximumNodes = 10_000

    public init(text: String) {
        if let split = FrontMatter.document(text) { self.init(split) } else { self.init(unfenced: text) }
    }

    private init(unfenced text: String) {
        frontMatter = nil
        frontMatterError = "the file must start with a '---' line, the front matter, and another '---' line"
        frontMatterText = ""
        body = text
        bodyFirstLine = 1
    }

    /// A profile: YAML alone, read as front matter.
    public init(profile text: String) {
        self.init(FrontMatter.profile(text))
    }

    init(_ split: FrontMatter) {
        frontMatterText = split.yaml
        body = split.body
        bodyFirstLine = split.bodyFirstLine
        if frontMatterText.utf8.count > Self.maximumFrontMatterBytes {
            frontMatter = nil
            frontMatterError = "the front matter is larger than 64 KiB"
            return
        }
        // Yams builds its nodes recursively, one stack frame per nesting level: 16 KiB of `- - - … x` overflow
        // the stack. libyaml's own event parser keeps its state on the heap, so the nesting is measured with
        // it first and Yams only sees text whose depth is known to be small.
        if let problem = YAMLNesting.problem(frontMatterText, limit: Self.maximumDepth) {
            frontMatter = nil
            frontMatterError = problem
            return
        }
        do {
            guard let node = try Yams.compose(yaml: frontMatterText) else {
                frontMatter = nil
                frontMatterError = "the front matter is empty"
                return
            }
            var budget = Self.maximumNodes
            guard case .mapping(let map) = try YAMLValue(node, depth: 0, budget: &budget) else {
                frontMatter = nil
                frontMatterError = "the front matter must be a mapping of fields"
                return
            }
            frontMatter = map
            frontMatterError = nil
        } catch let e as YAMLValue.LimitError {
            frontMatter = nil
            frontMatterError = e.reason
        } catch {
            frontMatter = nil
            frontMatterError = "\(error)".split(separator: "\n").first.map(String.init) ?? "YAML error"
        }
    }

    /// `## ` headings of the body, trimmed.
    public var sections: [String] {
        body.split(separator: "\n").compactMap { line in
            line.hasPrefix("## ") ? line.dropFirst(3).trimmingCharacters(in: .whitespaces) : nil
        }
    }
}

/// A YAML value as plain data, built with limits on depth and on the number of nodes aliases expand to.
public indirect enum YAMLValue: Sendable, Equatable {
    case string(String)
    case sequence([YAMLValue])
    case mapping([String: YAMLValue])
    case null

    struct LimitError: Error { var reason: String }

    init(_ node: Node, depth: Int, budget: inout Int) throws {
        budget -= 1
        guard budget >= 0 else { throw LimitError(reason: "the front matter expands to too many values (an alias bomb?)") }
        guard depth <= PracticeDocument.maximumDepth else { throw LimitError(reason: "the front matter is nested too deeply") }
        switch node {
        case .scalar(let s):
            self = s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) ? .null : .string(s.string)
        case .sequence(let seq):
            var items: [YAMLValue] = []
            for n in seq { items.append(try YAMLValue(n, depth: depth + 1, budget: &budget)) }
            self = .sequence(items)
        case .mapping(let map):
            var dict: [String: YAMLValue] = [:]
            for (k, v) in map {
                guard case .scalar(let key) = k else { continue }
                dict[key.string] = try YAMLValue(v, depth: depth + 1, budget: &budget)
            }
            self = .mapping(dict)
        }
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var sequence: [YAMLValue]? { if case .sequence(let s) = self { return s }; return nil }
    public var mapping: [String: YAMLValue]? { if case .mapping(let m) = self { return m }; return nil }

    /// Every scalar in the value, with the key path that leads to it (`contact.email`).
    public func scalars(prefix: String = "") -> [(path: String, value: String)] {
        switch self {
        case .string(let s): return [(prefix, s)]
        case .null: return []
        case .sequence(let items): return items.flatMap { $0.scalars(prefix: prefix) }
        case .mapping(let m):
            return m.sorted { $0.key < $1.key }.flatMap { $0.value.scalars(prefix: prefix.isEmpty ? $0.key : "\(prefix).\($0.key)") }
        }
    }
}
