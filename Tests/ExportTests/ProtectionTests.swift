import XCTest
import TestSupport
@testable import GPMExport

/// The protection on its own: groups given by hand and random tables with crossing groups.
final class ProtectionTests: XCTestCase {
    func testALoneSmallCountGetsTheSmallestOtherPartHiddenBesideIt() throws {
        // total 20 = 3 + 10 + 7
        var p = SmallCountProtection(values: [20, 3, 10, 7] as [Int?], threshold: 5)
        p.addGroup(total: 0, parts: [1, 2, 3], additive: true)
        let s = try p.protect()
        XCTAssertEqual(p.state, [.published, .primary, .published, .secondary])
        XCTAssertEqual(s, .init(cells: 4, primary: 1, secondary: 1))
    }

    func testNothingIsHiddenWithoutASmallCountOrBelowThresholdTwo() throws {
        var p = SmallCountProtection(values: [20, 0, 10, 10] as [Int?], threshold: 5)
        p.addGroup(total: 0, parts: [1, 2, 3], additive: true)
        XCTAssertEqual(try p.protect().secondary, 0)
        var off = SmallCountProtection(values: [4, 1, 3] as [Int?], threshold: 1)
        off.addGroup(total: 0, parts: [1, 2], additive: true)
        XCTAssertEqual(try off.protect(), .init(cells: 3))
        XCTAssertEqual(off.state, [.published, .published, .published])
    }

    /// A 2×2 table with margins, one small cell: the rule alone hides a rectangle (four cells), which is
    /// what it takes; the margins stay published.
    func testATwoWayTableHidesARectangle() throws {
        // rows a, b; columns x, y; cells: ax=2 ay=30 ; bx=40 by=50 ; margins.
        // index: 0 ax, 1 ay, 2 a., 3 bx, 4 by, 5 b., 6 .x, 7 .y, 8 ..
        let v: [Int?] = [2, 30, 32, 40, 50, 90, 42, 80, 122]
        var p = SmallCountProtection(values: v, threshold: 5)
        p.addGroup(total: 2, parts: [0, 1], additive: true)
        p.addGroup(total: 5, parts: [3, 4], additive: true)
        p.addGroup(total: 6, parts: [0, 3], additive: true)
        p.addGroup(total: 7, parts: [1, 4], additive: true)
        p.addGroup(total: 8, parts: [2, 5], additive: true)
        p.addGroup(total: 8, parts: [6, 7], additive: true)
        try p.protect()
        XCTAssertEqual([0, 1, 3, 4].map { p.state[$0].isSuppressed }, [true, true, true, true])
        XCTAssertEqual([2, 5, 6, 7, 8].map { p.state[$0] }, [.published, .published, .published, .published, .published])
        XCTAssertTrue(p.determinedCells(from: nil).isEmpty)
    }

    /// Random tables of three dimensions with margins along each, many small counts: after protection the
    /// rule holds in every group, no suppressed cell is determined, and every secondary cell is needed.
    func testRandomTablesAreProtectedAndMinimal() throws {
        var rng = SplitMix(state: 14)
        for round in 0..<60 {
            let shape = [Int.random(in: 2...4, using: &rng), Int.random(in: 2...3, using: &rng), Int.random(in: 2...3, using: &rng)]
            let table = RandomCube(shape: shape, rng: &rng, small: Double(round % 4 + 1) * 0.12)
            var p = SmallCountProtection(values: table.values.map { Int($0) } as [Int?], threshold: 5)
            for g in table.groups { p.addGroup(total: g.total, parts: g.parts, additive: true) }
            try p.protect()
            for g in 0..<p.groupCount {
                let n = p.group(g).cells.filter { p.state[Int($0)].isSuppressed }.count
                XCTAssertTrue(n == 0 || n >= 2, "round \(round): group \(g) has one suppressed cell")
            }
            XCTAssertEqual(p.determinedCells(from: nil), [], "round \(round)")
            for c in p.state.indices where p.state[c] == .secondary {
                var trial = p
                trial.republish(c)
                let ruleBroken = (0..<trial.groupCount).contains { g in
                    trial.group(g).cells.filter { trial.state[Int($0)].isSuppressed }.count == 1
                }
                XCTAssertTrue(ruleBroken || !trial.determinedCells(from: nil).isEmpty, "round \(round): cell \(c) hidden without need")
            }
            // The check has teeth: primary suppression alone gives small cells away whenever one is alone.
            var primaryOnly = SmallCountProtection(values: table.values.map { Int($0) } as [Int?], threshold: 5)
            for g in table.groups { primaryOnly.addGroup(total: g.total, parts: g.parts, additive: true) }
            primaryOnly.suppressPrimaryOnly()
            if primaryOnly.state.contains(.primary) && p.state.contains(.secondary) {
                XCTAssertFalse(primaryOnly.determinedCells(from: nil).isEmpty, "round \(round)")
            }
        }
    }

    func testLinearSpanFindsWhatTheEquationsFix() {
        // x0 + x1 = a, x1 + x2 = b, x0 + x2 = c: all three fixed (odd cycle); x3 + x4 = d: neither.
        var span = LinearSpan(columns: 5)
        span.add([(0, 1), (1, 1)])
        span.add([(1, 1), (2, 1)])
        span.add([(0, 1), (2, 1)])
        span.add([(3, 1), (4, -1)])
        XCTAssertEqual(span.determinedColumns(), [0, 1, 2])
    }
}

/// A table of `shape` parts per dimension plus an `ALL` code along each, with every margin: cells are
/// indexed by their codes, `shape[d]` being `ALL`.
struct RandomCube {
    var values: [Int64] = []
    var groups: [(total: Int, parts: [Int])] = []

    init(shape: [Int], rng: inout SplitMix, small: Double) {
        let extent = shape.map { $0 + 1 }
        let count = extent.reduce(1, *)
        func index(_ c: [Int]) -> Int { zip(c, extent).reduce(0) { $0 * $1.1 + $1.0 } }
        func coords(_ i: Int) -> [Int] {
            var i = i, c = [Int](repeating: 0, count: extent.count)
            for d in extent.indices.reversed() { c[d] = i % extent[d]; i /= extent[d] }
            return c
        }
        values = [Int64](repeating: 0, count: count)
        for i in 0..<count {
            let c = coords(i)
            guard zip(c, shape).allSatisfy({ $0 < $1 }) else { continue }
            values[i] = Double.random(in: 0..<1, using: &rng) < small ? Int64.random(in: 0...4, using: &rng) : Int64.random(in: 5...60, using: &rng)
        }
        // Margins, one dimension after another: a cell with ALL in several dimensions is summed at the last
        // of them, from cells summed before.
        for d in extent.indices {
            for i in 0..<count {
                var c = coords(i)
                guard c[d] == shape[d], (d + 1..<extent.count).allSatisfy({ c[$0] < shape[$0] }) else { continue }
                var sum: Int64 = 0
                for k in 0..<shape[d] { c[d] = k; sum += values[index(c)] }
                values[i] = sum
            }
        }
        for d in extent.indices {
            for i in 0..<count {
                var c = coords(i)
                guard c[d] == shape[d] else { continue }
                groups.append((i, (0..<shape[d]).map { k in c[d] = k; return index(c) }))
            }
        }
    }
}

extension SmallCountProtection {
    /// For tests: what primary suppression alone would publish.
    mutating func suppressPrimaryOnly() {
        for c in values.indices where values[c] >= 1 && values[c] < Int64(threshold) { setState(c, .primary) }
        indexForTests()
    }
}
