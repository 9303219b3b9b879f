import Glibc
import XCTest

@testable import SocketCore

final class MonotonicInstantTests: XCTestCase {
    func testArithmetic() {
        let start = MonotonicInstant(nanoseconds: 5_000_000_000)
        XCTAssertEqual((start + .milliseconds(1500)).nanoseconds, 6_500_000_000)
        XCTAssertEqual((start - .microseconds(3)).nanoseconds, 4_999_997_000)
        XCTAssertEqual(start.duration(to: start + .seconds(2)), .seconds(2))
        XCTAssertEqual((start + .seconds(2)) - start, .seconds(2))
        XCTAssertEqual(start.duration(to: start - .seconds(2)), .seconds(-2))
        XCTAssertLessThan(start, start + .nanoseconds(1))
        // Below a nanosecond: truncated toward zero.
        XCTAssertEqual((start + .nanoseconds(1) / 3).nanoseconds, start.nanoseconds)
    }

    /// A far deadline means "never", not a trap or a wrap into the past.
    func testSaturatesAtTheEnds() {
        let now = MonotonicInstant.now
        XCTAssertEqual((now + .seconds(Int64.max)).nanoseconds, .max)
        XCTAssertEqual((now - .seconds(Int64.max)).nanoseconds, .min)
        XCTAssertEqual((now + .seconds(1_000_000_000_000)).nanoseconds, .max)
        XCTAssertEqual(
            MonotonicInstant(nanoseconds: .min).duration(to: MonotonicInstant(nanoseconds: .max)),
            .nanoseconds(Int64.max))
    }

    /// The clock is CLOCK_MONOTONIC: it agrees with a direct read and never
    /// goes back.
    func testReadsTheMonotonicClock() {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        let direct = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        let first = MonotonicInstant.now
        XCTAssertGreaterThanOrEqual(first.nanoseconds, direct)
        XCTAssertLessThan(first.nanoseconds - direct, 5_000_000_000)
        var previous = first
        for _ in 0..<1000 {
            let next = MonotonicInstant.now
            XCTAssertGreaterThanOrEqual(next, previous)
            previous = next
        }
    }
}
