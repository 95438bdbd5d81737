import Foundation
import GPMCore
import Ink

/// Markdown of a good-practice document as HTML, through Ink, then cut down to a short list of tags with no
/// attributes but a safe link target: a document is written by a municipality and may hold any markup.
public enum Markdown {
    static let allowed: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "code", "pre",
                                       "blockquote", "a", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "del"]

    public static func html(_ markdown: String) -> HTML {
        // Ink passes raw HTML through and lets it swallow the Markdown after it: it never sees any (a `<`
        // becomes an entity, shown as the character), and what it makes is sanitised all the same.
        HTML(trusted: sanitise(MarkdownParser().html(from: markdown.replacingOccurrences(of: "<", with: "&lt;"))))
    }

    static func sanitise(_ html: String) -> String {
        var out = ""
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else { out += escapeText(String(rest[open...])); return out }
            let tag = rest[rest.index(after: open)..<close]
            out += rewrite(tag) ?? escapeText(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// An allowed tag without its attributes (a link keeps an http, https, mailto or local target); nil otherwise.
    static func rewrite(_ tag: Substring) -> String? {
        let closing = tag.hasPrefix("/")
        let body = closing ? tag.dropFirst() : tag
        let name = body.prefix { $0.isLetter || $0.isNumber }.lowercased()
        guard allowed.contains(name) else { return nil }
        if closing { return "</\(name)>" }
        if name == "a", let range = body.range(of: #"href="[^"]*""#, options: .regularExpression) {
            let href = String(body[range].dropFirst(6).dropLast())
            let lower = href.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") || (href.hasPrefix("/") && !href.hasPrefix("//")) || href.hasPrefix("#") {
                return "<a href=\"\(href)\" rel=\"noopener noreferrer\">"
            }
        }
        return "<\(name)>"
    }

    static func escapeText(_ s: String) -> String { htmlEscaped(s) }
}
