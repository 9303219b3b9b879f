import SocketCore
import XCTest

@testable import Ping

/// Exact lines, as iputils ping 20221126 prints them.
final class TextReporterTests: XCTestCase {
    private let v4 = PingTarget(name: "127.0.0.1", address: IPAddress("127.0.0.1")!, displayedAddress: "127.0.0.1")
    private let v6 = PingTarget(name: "::1", address: IPAddress("::1")!, displayedAddress: "::1")

    private func reply(_ sequence: UInt16, length: Int = 64, ttl: Int? = 64) -> EchoReply {
        EchoReply(
            sequence: sequence, icmpLength: length, hopLimit: ttl, checksumIsValid: true,
            sender: v4.address)
    }

    func testHeaders() {
        var options = PingOptions()
        XCTAssertEqual(
            TextReporter.header(v4, options, source: nil), "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n")
        XCTAssertEqual(TextReporter.header(v6, options, source: nil), "PING ::1(::1) 56 data bytes\n")
        options.payloadSize = 8
        options.device = "lo"
        XCTAssertEqual(
            TextReporter.header(v4, options, source: v4.address),
            "PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 lo: 8(36) bytes of data.\n")
    }

    func testReplyLines() {
        var event = ReplyEvent(
            reply: reply(1), from: "127.0.0.1", kind: .fresh, roundTrip: 41, truncated: false,
            differentAddress: false, wrongData: nil)
        XCTAssertEqual(
            TextReporter.replyLine(event, payloadSize: 56), "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.041 ms\n"
        )
        event.kind = .duplicate
        event.differentAddress = true
        XCTAssertEqual(
            TextReporter.replyLine(event, payloadSize: 56),
            "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.041 ms (DUP!) (DIFFERENT ADDRESS!)\n")
        event = ReplyEvent(
            reply: reply(7, length: 12), from: "localhost (127.0.0.1)", kind: .fresh, roundTrip: nil,
            truncated: true, differentAddress: false, wrongData: nil)
        XCTAssertEqual(
            TextReporter.replyLine(event, payloadSize: 56),
            "12 bytes from localhost (127.0.0.1): icmp_seq=7 ttl=64 (truncated)\n")
        event = ReplyEvent(
            reply: reply(2, ttl: nil), from: "127.0.0.1", kind: .corrupted, roundTrip: 1500,
            truncated: false, differentAddress: false, wrongData: nil)
        XCTAssertEqual(
            TextReporter.replyLine(event, payloadSize: 56),
            "64 bytes from 127.0.0.1: icmp_seq=2 time=1.50 ms (BAD CHECKSUM!)\n")
    }

    func testWrongDataReport() {
        let payload = EchoPayload(size: 40)
        var received = payload.bytes(sentAt: 0)
        XCTAssertNil(payload.wrongDataReport(received[...]))
        received[20] = 0xee
        XCTAssertEqual(
            payload.wrongDataReport(received[...]),
            "\nwrong data byte #20 should be 0x14 but was 0xee\n#16\t10 11 12 13 ee 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 "
        )
    }

    func testPatternFill() {
        XCTAssertEqual(EchoPayload(size: 5, pattern: [0xab, 0xcd]).fill, [0xab, 0xcd, 0xab, 0xcd, 0xab])
        XCTAssertEqual(EchoPayload(size: 3).fill, [0, 1, 2])
    }

    func testTimestampsRoundTripAndGarbageIsRejected() {
        let payload = EchoPayload(size: 56)
        let bytes = payload.bytes(sentAt: 12_345_678_901_234)
        XCTAssertEqual(EchoPayload.sendTime(in: bytes[...]), 12_345_678_901_234)
        XCTAssertNil(EchoPayload.sendTime(in: [UInt8](repeating: 0xff, count: 56)[...]))
        XCTAssertNil(EchoPayload.sendTime(in: [UInt8](repeating: 0, count: 15)[...]))
        XCTAssertFalse(EchoPayload(size: 15).isTimed)
    }

    private func summary(
        _ statistics: PingStatistics, timed: Bool = true, flood: Bool = false,
        interval: Int = 1000
    ) -> String {
        TextReporter.summary(
            PingSummary(
                target: v4, statistics: statistics, elapsedMilliseconds: 2003,
                elapsedNanoseconds: 2_003_000_000, timed: timed,
                intervalMilliseconds: interval, flood: flood, exitStatus: 0))
    }

    /// Sequence 1 answered after three went out: iputils adds `pipe 3`.
    func testSummaryWithEveryCounter() {
        var s = PingStatistics()
        for sequence: UInt16 in 1...3 {
            s.willSend(sequence)
            s.didSend()
        }
        _ = s.recordReply(sequence: 1, roundTrip: 38, checksumIsValid: true)
        _ = s.recordReply(sequence: 1, roundTrip: 52, checksumIsValid: true)
        _ = s.recordReply(sequence: 2, roundTrip: 52, checksumIsValid: false)
        s.recordError(sequence: 3)
        XCTAssertEqual(
            summary(s),
            """

            --- 127.0.0.1 ping statistics ---
            3 packets transmitted, 1 received, +1 duplicates, +1 corrupted, +1 errors, 66.6667% packet loss, time 2003ms
            rtt min/avg/max/mdev = 0.038/0.045/0.052/0.007 ms, pipe 3
            rtt p50/p90/p99/jitter = 0.038/0.052/0.052/0.014 ms

            """)
    }

    func testSummaryWithoutRepliesEndsWithABlankLine() {
        var s = PingStatistics()
        s.willSend(1)
        s.didSend()
        XCTAssertEqual(
            summary(s),
            "\n--- 127.0.0.1 ping statistics ---\n"
                + "1 packets transmitted, 0 received, 100% packet loss, time 2003ms\n\n")
    }

    func testFloodSummaryHasIpgAndEwma() {
        var s = PingStatistics()
        for sequence: UInt16 in 1...2 {
            s.willSend(sequence)
            s.didSend()
            _ = s.recordReply(sequence: sequence, roundTrip: sequence == 1 ? 9 : 44, checksumIsValid: true)
        }
        let text = summary(s, flood: true, interval: 0)
        XCTAssertTrue(
            text.contains("rtt min/avg/max/mdev = 0.009/0.026/0.044/0.017 ms, ipg/ewma 2003.000/0.013 ms\n"), text)
    }

    func testErrorWords() {
        XCTAssertEqual(ICMPErrorText.describe(version: .v4, type: 3, code: 1, info: 0), "Destination Host Unreachable")
        XCTAssertEqual(ICMPErrorText.describe(version: .v4, type: 3, code: 13, info: 0), "Packet filtered")
        XCTAssertEqual(
            ICMPErrorText.describe(version: .v4, type: 3, code: 4, info: 1400), "Frag needed and DF set (mtu = 1400)")
        XCTAssertEqual(ICMPErrorText.describe(version: .v4, type: 11, code: 0, info: 0), "Time to live exceeded")
        XCTAssertEqual(
            ICMPErrorText.describe(version: .v4, type: 12, code: 0, info: 20), "Parameter problem: pointer = 20")
        XCTAssertEqual(
            ICMPErrorText.describe(version: .v4, type: 5, code: 1, info: 0x0a00_0001),
            "Redirect Host(New nexthop: 10.0.0.1)")
        XCTAssertEqual(
            ICMPErrorText.describe(version: .v6, type: 1, code: 0, info: 0), "Destination unreachable: No route")
        XCTAssertEqual(ICMPErrorText.describe(version: .v6, type: 2, code: 0, info: 1280), "Packet too big: mtu=1280")
        XCTAssertEqual(ICMPErrorText.describe(version: .v6, type: 3, code: 0, info: 0), "Time exceeded: Hop limit")
        XCTAssertEqual(
            ICMPErrorText.describe(version: .v6, type: 4, code: 1, info: 40),
            "Parameter problem: Unknown header at 40")
    }

    func testReporterLinesForErrorsFloodAndQuiet() {
        var written: [String] = []
        var options = PingOptions()
        options.printTimestamps = true
        var reporter = TextReporter(
            options: options, write: { written.append($0) }, writeError: { _ in },
            wallClock: { (1_700_000_000, 42) })
        let error = ErrorReport(
            version: .v4, sequence: 3, sender: IPAddress("10.0.0.1"), type: 3, code: 1, info: 0,
            isNotice: false)
        reporter.report(.error(error, from: "10.0.0.1"))
        reporter.report(.outstanding(sequence: 4))
        XCTAssertEqual(
            written,
            [
                "[1700000000.000042] From 10.0.0.1 icmp_seq=3 Destination Host Unreachable\n",
                "[1700000000.000042] no answer yet for icmp_seq=4\n",
            ])
        written = []
        options = PingOptions()
        options.flood = true
        reporter = TextReporter(options: options, write: { written.append($0) }, writeError: { _ in })
        reporter.report(.sent(sequence: 1, sentAt: 0))
        reporter.report(
            .reply(
                ReplyEvent(
                    reply: reply(1), from: "x", kind: .fresh, roundTrip: 1, truncated: false,
                    differentAddress: false, wrongData: nil)))
        reporter.report(.error(error, from: "10.0.0.1"))
        XCTAssertEqual(written.joined(), ".\u{8} \u{8}\u{8}E")
        written = []
        XCTAssertTrue(reporter.showsEachProbe)
        options.quiet = true
        reporter = TextReporter(options: options, write: { written.append($0) }, writeError: { _ in })
        reporter.report(.sent(sequence: 1, sentAt: 0))
        reporter.report(
            .reply(
                ReplyEvent(
                    reply: reply(1), from: "x", kind: .fresh, roundTrip: 1, truncated: false,
                    differentAddress: false, wrongData: nil)))
        reporter.report(.error(error, from: "10.0.0.1"))
        XCTAssertEqual(written, [])
        // What it would not show, the session need not make.
        XCTAssertFalse(reporter.showsEachProbe)
        XCTAssertFalse(JSONReporter(options: options, write: { _ in }).showsEachProbe)
        XCTAssertTrue(
            CaptureRecorder(reporter, payload: EchoPayload(size: 56), targets: [v4]).showsEachProbe,
            "a capture records every probe, shown or not")
        XCTAssertFalse(TextReporter.keepsReplyData)
        XCTAssertTrue(CaptureRecorder<TextReporter>.keepsReplyData)
    }
}
