import SocketCore
import XCTest

@testable import Ping

/// The text output of a run over several hosts: fping's per-host lines and
/// the host named where iputils' line does not name it.
final class SeveralHostsOutputTests: XCTestCase {
    private func target(_ typed: String, _ address: String) -> PingTarget {
        PingTarget(name: typed, address: IPAddress(address)!, displayedAddress: address, typedName: typed)
    }

    private func summary(_ target: PingTarget, sent: Int, answered: [Int]) -> PingSummary {
        var s = PingStatistics()
        for sequence in 1...sent {
            s.willSend(UInt16(sequence))
            s.didSend()
        }
        for (index, microseconds) in answered.enumerated() {
            _ = s.recordReply(sequence: UInt16(index + 1), roundTrip: microseconds, checksumIsValid: true)
        }
        return PingSummary(
            target: target, statistics: s, elapsedMilliseconds: 400, elapsedNanoseconds: 400_000_000,
            timed: true, intervalMilliseconds: 200, flood: false,
            exitStatus: answered.isEmpty ? 1 : 0)
    }

    /// As fping 5.1 prints them with `-c 3` (names padded to the longest,
    /// loss rounded down, no times for a host that never answered; 99.95 ms
    /// is below 100, so it gets one decimal and rounds up to `100.0`).
    func testFpingLines() {
        let lines = FpingSummary.lines([
            summary(target("127.0.0.1", "127.0.0.1"), sent: 3, answered: [32, 57, 52]),
            summary(target("::1", "::1"), sent: 3, answered: [9_996, 99_950]),
            summary(target("127.0.0.3", "127.0.0.3"), sent: 3, answered: []),
        ])
        XCTAssertEqual(
            lines,
            """
            127.0.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.032/0.047/0.057
            ::1       : xmt/rcv/%loss = 3/2/33%, min/avg/max = 10.00/55.0/100.0
            127.0.0.3 : xmt/rcv/%loss = 3/0/100%

            """)
    }

    /// fping's `sprint_tm`: printf rounding at each width.
    func testFpingTimes() {
        XCTAssertEqual(FpingSummary.time(41), "0.041")
        XCTAssertEqual(FpingSummary.time(999), "0.999")
        XCTAssertEqual(FpingSummary.time(1_234), "1.23")
        XCTAssertEqual(FpingSummary.time(12_345), "12.3")
        XCTAssertEqual(FpingSummary.time(123_456), "123")
        XCTAssertEqual(FpingSummary.time(2_000_000_000), "2.000e+06")
    }

    func testLinesThatDoNotNameTheHostNameIt() {
        var written: [String] = []
        var errors: [String] = []
        let far = target("10.9.9.9", "10.9.9.9")
        var reporter = TextReporter(
            options: PingOptions(), severalHosts: true, write: { written.append($0) },
            writeError: { errors.append($0) })
        let error = ErrorReport(
            version: .v4, sequence: 3, sender: IPAddress("10.0.0.1"), type: 3, code: 1, info: 0,
            isNotice: false)
        reporter.report(.error(error, from: "10.0.0.1"), about: PingHost(1, far))
        reporter.report(.outstanding(sequence: 4), about: PingHost(1, far))
        let reply = EchoReply(
            sequence: 2, icmpLength: 64, hopLimit: 64, checksumIsValid: true,
            sender: IPAddress("10.0.0.7")!)
        reporter.report(
            .reply(
                ReplyEvent(
                    reply: reply, from: "10.0.0.7", kind: .fresh, roundTrip: 41, truncated: false,
                    differentAddress: true, wrongData: nil)), about: PingHost(1, far))
        reporter.report(
            .sendFailed(sequence: 5, SocketError(code: ENETUNREACH, call: "sendto")), about: PingHost(1, far))
        XCTAssertEqual(
            written,
            [
                "From 10.0.0.1 icmp_seq=3 Destination Host Unreachable (to 10.9.9.9)\n",
                "no answer yet for icmp_seq=4 (to 10.9.9.9)\n",
                "64 bytes from 10.0.0.7: icmp_seq=2 ttl=64 time=0.041 ms (DIFFERENT ADDRESS!) (to 10.9.9.9)\n",
            ])
        XCTAssertEqual(errors, ["icmpping: sendmsg: Network is unreachable (to 10.9.9.9)\n"])

        let summaries = [summary(far, sent: 1, answered: [])]
        reporter.report(.finished(RunEnd(summaries: summaries, exitStatus: 1)))
        XCTAssertEqual(errors.last, "\n10.9.9.9 : xmt/rcv/%loss = 1/0/100%\n")
    }

    /// Each host's capture verdict, and each of its disagreements, ends
    /// with the host it is about; with one host nothing is added.
    func testCaptureLinesNameTheirHost() {
        var written: [String] = []
        var several = TextReporter(
            options: PingOptions(), severalHosts: true, write: { written.append($0) },
            writeError: { _ in })
        var verification = WireVerification()
        verification.requestsSent = 1
        verification.disagreements = ["icmp_seq=1: request reported sent, not seen on the wire"]
        several.report(.capture(verification), about: PingHost(1, target("::1", "::1")))
        XCTAssertEqual(
            written,
            [
                "capture: 0/1 requests and 0/0 replies on the wire, checksums valid (to ::1)\n"
                    + "capture: icmp_seq=1: request reported sent, not seen on the wire (to ::1)\n"
            ])
        written = []
        var one = TextReporter(options: PingOptions(), write: { written.append($0) }, writeError: { _ in })
        one.report(.capture(WireVerification()), about: PingHost(0, target("::1", "::1")))
        XCTAssertEqual(written, ["capture: 0/0 requests and 0/0 replies on the wire, checksums valid\n"])
    }

    /// One host: iputils' lines exactly, and no fping lines.
    func testOneHostAddsNothing() {
        var written: [String] = []
        var errors: [String] = []
        let one = target("127.0.0.1", "127.0.0.1")
        var reporter = TextReporter(
            options: PingOptions(), write: { written.append($0) },
            writeError: { errors.append($0) })
        reporter.report(.outstanding(sequence: 4), about: PingHost(0, one))
        reporter.report(.finished(RunEnd(summaries: [summary(one, sent: 1, answered: [])], exitStatus: 1)))
        XCTAssertEqual(written, ["no answer yet for icmp_seq=4\n"])
        XCTAssertEqual(errors, [])
    }
}
