import Ping
import XCTest

/// The SIGQUIT line, against iputils' `status()` format worked by hand.
final class StatusLineTests: XCTestCase {
    /// `sent` probes, of which `answered` (sequence, round trip µs) came back.
    private func statistics(sent: Int, answered: [(UInt16, Int?)]) -> PingStatistics {
        var statistics = PingStatistics()
        for sequence in 1...sent {
            statistics.willSend(UInt16(sequence))
            statistics.didSend()
        }
        for (sequence, roundTrip) in answered {
            _ = statistics.recordReply(sequence: sequence, roundTrip: roundTrip, checksumIsValid: true)
        }
        return statistics
    }

    func testCountsLossAndTimes() {
        // ewma: 40 × 8 = 320, then 320 + 60 - 40 = 340, then 340 + 50 - 42 = 348; /8 = 43.
        let s = statistics(sent: 4, answered: [(1, 40), (2, 60), (3, 50)])
        XCTAssertEqual(
            StatusLine.text(s, timed: true), "\r3/4 packets, 25% loss, min/avg/ewma/max = 0.040/0.050/0.043/0.060 ms\n")
    }

    func testLossIsRoundedDown() {
        // 2 of 3 lost: 66.67 %, printed as iputils' integer division gives it.
        let s = statistics(sent: 3, answered: [(2, 1500)])
        XCTAssertEqual(
            StatusLine.text(s, timed: true), "\r1/3 packets, 66% loss, min/avg/ewma/max = 1.500/1.500/1.500/1.500 ms\n")
    }

    func testNoTimesWithoutATimedReply() {
        XCTAssertEqual(StatusLine.text(PingStatistics(), timed: true), "\r0/0 packets, 0% loss\n")
        XCTAssertEqual(StatusLine.text(statistics(sent: 2, answered: []), timed: true), "\r0/2 packets, 100% loss\n")
        // Replies too short to carry a time: iputils would print a minimum of LONG_MAX.
        XCTAssertEqual(
            StatusLine.text(statistics(sent: 2, answered: [(1, nil)]), timed: true), "\r1/2 packets, 50% loss\n")
        XCTAssertEqual(
            StatusLine.text(statistics(sent: 1, answered: [(1, nil)]), timed: false), "\r1/1 packets, 0% loss\n")
    }

    /// The text reporter writes it to standard error, even with -q.
    func testTextReporterWritesItToStandardError() {
        var options = PingOptions()
        options.quiet = true
        var out = "", err = ""
        var reporter = TextReporter(options: options, write: { out += $0 }, writeError: { err += $0 })
        reporter.reportStatus(statistics(sent: 1, answered: [(1, 40)]), timed: true, about: nil)
        XCTAssertEqual(out, "")
        XCTAssertEqual(err, "\r1/1 packets, 0% loss, min/avg/ewma/max = 0.040/0.040/0.040/0.040 ms\n")
    }
}
