import GPMCore
import GPMPages
import XCTest

/// The templates escape by construction; a document's Markdown keeps no markup that could act.
final class PagesTests: XCTestCase {
    func testInterpolatedTextIsEscaped() {
        let hostile = "\"><script>alert(1)</script>&\u{1}"
        let html: HTML = "<td title=\"\(hostile)\">\(hostile)</td>"
        XCTAssertFalse(html.raw.contains("<script>"))
        XCTAssertFalse(html.raw.contains("\"><"))
        XCTAssertFalse(html.raw.contains("\u{1}"))
        XCTAssertTrue(html.raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;"))
    }

    func testMarkdownKeepsNoActiveMarkup() {
        let out = Markdown.html("""
            ## Özet
            **bold** and [a link](https://example.org) and [bad](javascript:alert(1)) and <img src=x onerror=alert(1)>
            <script>alert(2)</script>
            <a href="https://x" onclick="alert(3)">x</a>

            ## Bağlam
            after the markup
            """).raw
        XCTAssertTrue(out.contains("<h2>Bağlam</h2>"), "markup does not swallow the Markdown after it: \(out)")
        XCTAssertTrue(out.contains("&lt;img src=x"), out)
        XCTAssertTrue(out.contains("<h2>Özet</h2>"), out)
        XCTAssertTrue(out.contains("<strong>bold</strong>"), out)
        XCTAssertTrue(out.contains("<a href=\"https://example.org\" rel=\"noopener noreferrer\">"), out)
        for bad in ["<script", "<img", "javascript:"] {
            XCTAssertFalse(out.contains(bad), "\(bad) in \(out)")
        }
        XCTAssertNil(out.range(of: #"<[a-z][^>]*\son[a-z]+="#, options: .regularExpression), "an event handler in a tag: \(out)")
    }

    func testTheLanguageFollowsTheBrowser() {
        XCTAssertEqual(Words.language(acceptLanguage: "tr-TR,tr;q=0.9,en;q=0.8"), .tr)
        XCTAssertEqual(Words.language(acceptLanguage: "en-GB,en;q=0.9,tr;q=0.5"), .en)
        XCTAssertEqual(Words.language(acceptLanguage: "de-DE"), .en)
        XCTAssertEqual(Words.language(acceptLanguage: nil), .en)
        XCTAssertEqual(Words.language(acceptLanguage: ";;,q=,tr;q=abc"), .tr)
    }
}
