import XCTest

@testable import Ping

/// Selection against a sort, on the inputs that break naive quickselects:
/// runs of equal values, sorted and reversed runs, one or two values.
final class RankSelectionTests: XCTestCase {
    /// Every rank of `values`, one at a time and three at once, as a sort
    /// gives them.
    private func assertSelectsLikeSort(_ values: [Int], file: StaticString = #filePath, line: UInt = #line) {
        let sorted = values.sorted()
        // Every rank of a small input, some 64 of a large one.
        for rank in Array(stride(from: 0, to: values.count, by: max(1, values.count / 64))) + [values.count - 1] {
            var scratch = values
            XCTAssertEqual(
                RankSelection.values(ofRanks: [rank], in: &scratch), [sorted[rank]],
                "rank \(rank) of \(values.count)", file: file, line: line)
            XCTAssertEqual(scratch.sorted(), sorted, "a reordering, nothing lost", file: file, line: line)
        }
        let ranks = [values.count / 2, values.count * 9 / 10, values.count - 1, values.count / 2]
        var scratch = values
        XCTAssertEqual(
            RankSelection.values(ofRanks: ranks, in: &scratch), ranks.map { sorted[$0] },
            file: file, line: line)
    }

    func testSmallAndEdgeInputs() {
        assertSelectsLikeSort([7])
        assertSelectsLikeSort([2, 1])
        assertSelectsLikeSort([1, 1])
        assertSelectsLikeSort([3, 1, 2])
        assertSelectsLikeSort(Array(repeating: 41, count: 200))
        assertSelectsLikeSort(Array(0..<300))
        assertSelectsLikeSort(Array((0..<300).reversed()))
        assertSelectsLikeSort((0..<300).map { $0 % 3 })
        assertSelectsLikeSort((0..<301).map { $0 < 150 ? $0 : 300 - $0 })  // organ pipe
    }

    func testRandomRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for count in [5, 64, 257, 1000] {
            let values = (0..<count).map { _ in Int.random(in: 0..<50, using: &generator) * 7 }
            assertSelectsLikeSort(values)
        }
    }

    /// A flood's worth of round trips in a scrambled order, three
    /// percentiles at once.
    func testLargeInputMatchesSortedPercentiles() {
        let values = (0..<20_000).map { ($0 * 7919) % 20_011 }
        var scratch = values
        let sorted = values.sorted()
        let ranks = [9_999, 17_999, 19_799]
        XCTAssertEqual(RankSelection.values(ofRanks: ranks, in: &scratch), ranks.map { sorted[$0] })
    }
}
