import XCTest

@testable import Ping

/// The counters and sums against figures iputils printed for the same
/// round trips on this machine.
final class PingStatisticsTests: XCTestCase {
    private func statistics(_ roundTrips: [Int]) -> PingStatistics {
        var statistics = PingStatistics()
        for (index, roundTrip) in roundTrips.enumerated() {
            let sequence = UInt16(index + 1)
            statistics.willSend(sequence)
            statistics.didSend()
            XCTAssertEqual(
                statistics.recordReply(sequence: sequence, roundTrip: roundTrip, checksumIsValid: true), .fresh)
        }
        return statistics
    }

    func testAverageAndDeviationMatchIputils() {
        // "rtt min/avg/max/mdev = 0.038/0.045/0.052/0.007 ms"
        var s = statistics([38, 52])
        XCTAssertEqual([s.minimum, s.average, s.maximum, s.meanDeviation], [38, 45, 52, 7])
        // "0.009/0.026/0.044/0.017": avg 26.5 truncated, mdev 17.5 floored.
        s = statistics([9, 44])
        XCTAssertEqual([s.minimum, s.average, s.maximum, s.meanDeviation], [9, 26, 44, 17])
        // One sample: deviation 0.
        s = statistics([41])
        XCTAssertEqual(s.meanDeviation, 0)
    }

    func testLargeRoundTripsUseTheOtherFormula() {
        // Above INT_MAX µs in sum iputils switches formulas; no overflow,
        // and doubles lose the last µs of variance there, as in iputils.
        var s = statistics([3_000_000_000, 3_000_000_002])
        XCTAssertEqual(s.average, 3_000_000_001)
        XCTAssertLessThanOrEqual(s.meanDeviation ?? -1, 1)
        s = statistics([1_500_000_000, 1_700_000_000])
        XCTAssertEqual(s.average, 1_600_000_000)
        XCTAssertEqual(s.meanDeviation, 100_000_000)
    }

    func testMovingAverageIsIputilsEWMA() {
        let s = statistics([100, 200])
        // rtt = 800, then 800 + 200 - 100 = 900: 112 µs.
        XCTAssertEqual(s.movingAverage, 112)
    }

    func testDuplicatesAndCorruptedAreNotReceived() {
        var s = PingStatistics()
        for sequence: UInt16 in 1...3 {
            s.willSend(sequence)
            s.didSend()
        }
        XCTAssertEqual(s.recordReply(sequence: 1, roundTrip: 10, checksumIsValid: true), .fresh)
        XCTAssertEqual(s.recordReply(sequence: 1, roundTrip: 30, checksumIsValid: true), .duplicate)
        XCTAssertEqual(s.recordReply(sequence: 2, roundTrip: 99, checksumIsValid: false), .corrupted)
        s.recordError(sequence: 3)
        XCTAssertEqual([s.transmitted, s.received, s.duplicates, s.corrupted, s.errors], [3, 1, 1, 1, 1])
        // Duplicates count in the round trips (iputils), corrupted ones do not.
        XCTAssertEqual(s.samples, [10, 30])
        XCTAssertEqual(s.lossPercent, 200.0 / 3, accuracy: 1e-9)
    }

    func testSequenceNumbersWrapAt65536() {
        var s = PingStatistics()
        for index in 1...65_537 {
            let sequence = UInt16(truncatingIfNeeded: index)
            s.willSend(sequence)
            s.didSend()
            if index == 1 { XCTAssertEqual(s.recordReply(sequence: 1, roundTrip: 5, checksumIsValid: true), .fresh) }
        }
        // Probe 65537 reuses sequence 1: its reply is new, not a duplicate.
        XCTAssertEqual(s.recordReply(sequence: 1, roundTrip: 5, checksumIsValid: true), .fresh)
        XCTAssertEqual(s.recordReply(sequence: 1, roundTrip: 5, checksumIsValid: true), .duplicate)
        XCTAssertEqual(s.received, 2)
    }

    func testInFlightAndPipe() {
        var s = PingStatistics()
        for sequence: UInt16 in 1...3 {
            s.willSend(sequence)
            s.didSend()
        }
        XCTAssertEqual(s.inFlight, 3)
        _ = s.recordReply(sequence: 2, roundTrip: nil, checksumIsValid: true)
        XCTAssertEqual(s.inFlight, 1)
        XCTAssertEqual(s.pipeSize, 2)
    }

    func testPercentilesAndJitter() {
        let s = statistics(Array(1...100))
        XCTAssertEqual(s.percentile(50), 50)
        XCTAssertEqual(s.percentile(90), 90)
        XCTAssertEqual(s.percentile(99), 99)
        XCTAssertEqual(s.jitter, 1)
        XCTAssertNil(PingStatistics().percentile(50))
        XCTAssertEqual(statistics([10, 30, 10]).jitter, 20)
    }

    func testIntegerSquareRoot() {
        XCTAssertEqual(integerSquareRoot(0), 0)
        XCTAssertEqual(integerSquareRoot(-5), 0)
        // iputils' llsqrt stops when Newton's step stops shrinking and keeps
        // the last step: 7 for 48, where floor would be 6. Its mdev does too.
        XCTAssertEqual(integerSquareRoot(48), 7)
        XCTAssertEqual(integerSquareRoot(49), 7)
        XCTAssertEqual(integerSquareRoot(306), 17)
        XCTAssertEqual(integerSquareRoot(1_000_000_000_000), 1_000_000)
    }
}
