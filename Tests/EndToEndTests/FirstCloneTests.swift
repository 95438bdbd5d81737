import Foundation
import TestSupport
import XCTest

/// The first `gpmsync init` writes blobs without filters when none can apply; when central carries a
/// `.gitattributes`, its filters still apply, as git's would.
final class FirstCloneTests: XCTestCase {
    func testCentralsAttributesStillApplyOnTheFirstCheckout() throws {
        let dir = TemporaryDirectory("gpmsync-first-clone")
        let central = dir.sub("central.git")
        XCTAssertEqual(try TestSupport.run(gpmsyncBinary, ["central", "init", central]).status, 0)
        // An admin's commit with line-ending attributes, put straight into the bare repository.
        let work = dir.sub("work")
        try git(["clone", "-q", central, work])
        try write("*.csv text eol=crlf\n", to: work + "/.gitattributes")
        try git(["add", ".gitattributes"], in: work)
        try git(["commit", "-q", "--no-verify", "-m", "attributes"], in: work)
        try git(["fetch", "-q", work, "main:main"], in: central)

        let plain = dir.sub("plain"), withAttributes = dir.sub("attributes")
        let first = try TestSupport.run(gpmsyncBinary, ["init", withAttributes, "--org-unit", "34-kadikoy", "--central", central])
        XCTAssertEqual(first.status, 0, first.stderr)
        let crlf = try Data(contentsOf: URL(fileURLWithPath: withAttributes + "/codelists/org_units.csv"))
        XCTAssertTrue(String(decoding: crlf, as: UTF8.self).contains("\r\n"),
                      "the eol=crlf attribute was not applied")
        // Without the attributes: the blobs as stored, LF.
        try git(["rm", "-q", ".gitattributes"], in: work)
        try git(["commit", "-q", "--no-verify", "-m", "no attributes"], in: work)
        try git(["fetch", "-q", work, "main:main"], in: central)
        let second = try TestSupport.run(gpmsyncBinary, ["init", plain, "--org-unit", "34-kadikoy", "--central", central])
        XCTAssertEqual(second.status, 0, second.stderr)
        let lf = String(decoding: try Data(contentsOf: URL(fileURLWithPath: plain + "/codelists/org_units.csv")), as: UTF8.self)
        XCTAssertFalse(lf.contains("\r\n"))
        XCTAssertEqual(try git(["status", "--porcelain"], in: plain), "")
    }
}
