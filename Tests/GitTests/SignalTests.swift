import Foundation
import Git
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What a process does with SIGPIPE is the program's decision (gpmsync's main ignores it), not the
/// wrapper's: linking Git and using it leaves the disposition as the program set it.
final class SignalTests: XCTestCase {
    func testUsingTheWrapperLeavesSIGPIPEAsTheProgramSetIt() throws {
        let dir = TemporaryDirectory()
        let repo = try Repository.create(dir.sub("r"), bare: false)
        _ = try repo.writeBlob(Array("x\n".utf8))
        var action = sigaction()
        XCTAssertEqual(sigaction(SIGPIPE, nil, &action), 0)
        // Nothing in this test process ignores SIGPIPE; the wrapper did so once on first use.
        XCTAssertFalse(unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self),
                       "the wrapper set SIGPIPE to SIG_IGN for the whole process")
    }
}
