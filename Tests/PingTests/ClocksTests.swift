import Glibc
import XCTest

@testable import Ping

/// The kernel's real-time receive stamp carried over to the monotonic clock.
final class ClocksTests: XCTestCase {
    private func timespecOf(_ nanoseconds: Int64) -> timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }

    func testAStampTakenEarlierArrivesThatMuchEarlier() {
        // Bounded: the reads around the conversion can be preempted on a
        // busy machine, so a few tries may be needed to see the exact figure.
        var closest = Int64.max
        for _ in 0..<100 {
            let stamp = timespecOf(Clocks.realTime() - 3_000_000)
            let before = Clocks.monotonic()
            let arrival = Clocks.monotonicArrival(kernelStamp: stamp)
            let after = Clocks.monotonic()
            // 3 ms before a moment between `before` and `after`.
            XCTAssertLessThanOrEqual(arrival, after - 3_000_000)
            closest = min(closest, abs(arrival - (before - 3_000_000)))
            if closest < 100_000 { break }
        }
        XCTAssertLessThan(closest, 100_000, "3 ms back, to within 0.1 ms")
    }

    func testNoStampIsNowAndAStampFromTheFutureIsNow() {
        let before = Clocks.monotonic()
        let none = Clocks.monotonicArrival(kernelStamp: nil)
        let future = Clocks.monotonicArrival(kernelStamp: timespecOf(Clocks.realTime() + 60_000_000_000))
        let after = Clocks.monotonic()
        XCTAssertTrue((before...after).contains(none))
        XCTAssertTrue((before...after).contains(future))
    }
}
