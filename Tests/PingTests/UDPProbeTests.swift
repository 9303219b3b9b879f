import XCTest

@testable import Ping

/// The lab's probe text and the matching of replies to probes, without sockets.
final class UDPProbeTests: XCTestCase {
    private func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }

    func testProbeIsPingSequenceAndTimeWithSixDecimals() {
        let probe = UDPProbeText.bytes(sequence: 3, wallMicroseconds: 1_764_612_345_000_042, size: 0)
        XCTAssertEqual(String(decoding: probe, as: UTF8.self), "Ping 3 1764612345.000042")
    }

    func testSizePadsWithASCIIAfterASpace() {
        let probe = UDPProbeText.bytes(sequence: 1, wallMicroseconds: 1_000_000, size: 30)
        XCTAssertEqual(String(decoding: probe, as: UTF8.self), "Ping 1 1.000000 abcdefghijklmn")
        XCTAssertEqual(UDPProbeText.bytes(sequence: 1, wallMicroseconds: 1_000_000, size: 5).count, 15)
    }

    func testSequenceIsReadInAnyCaseAndUpTo64Bits() {
        XCTAssertEqual(withBytes("PING 18446744073709551615 1.0") { UDPProbeText.sequence(in: $0) }, UInt64.max)
        XCTAssertEqual(withBytes("ping 7") { UDPProbeText.sequence(in: $0) }, 7)
        XCTAssertNil(withBytes("PING 18446744073709551616 1.0") { UDPProbeText.sequence(in: $0) })
        XCTAssertNil(withBytes("PONG 1 1.0") { UDPProbeText.sequence(in: $0) })
        XCTAssertNil(withBytes("PING x 1.0") { UDPProbeText.sequence(in: $0) })
        XCTAssertNil(withBytes("PING 12x 1.0") { UDPProbeText.sequence(in: $0) })
        XCTAssertNil(withBytes("PING") { UDPProbeText.sequence(in: $0) })
    }

    func testFirstLineShowsPrintableASCIIOnly() {
        XCTAssertEqual(withBytes("PING 1\u{1b}[2J\u{7f}\r\nrest") { UDPProbeText.firstLine(of: $0) }, "PING 1?[2J?")
    }

    func testAnswerLateDuplicateUnknownAndMismatched() {
        var table = UDPProbeTable(size: 0)
        let first = table.add(sentAt: 1_000_000, wallMicroseconds: 5_000_000)
        _ = table.add(sentAt: 2_000_000, wallMicroseconds: 6_000_000)
        XCTAssertEqual(table.pendingCount, 2)
        let upper = String(decoding: first, as: UTF8.self).uppercased()
        XCTAssertEqual(withBytes(upper) { table.match($0, arrival: 1_081_000) }, .answer(sequence: 1, roundTrip: 81))
        XCTAssertEqual(withBytes(upper) { table.match($0, arrival: 1_090_000) }, .duplicate(sequence: 1, roundTrip: 90))
        // Probe 2 times out 1 s after it went out, not before.
        XCTAssertEqual(table.expire(now: 1_001_999_999, timeout: 1_000_000_000), [])
        XCTAssertEqual(table.expire(now: 1_002_000_000, timeout: 1_000_000_000), [2])
        XCTAssertEqual(table.pendingCount, 0)
        XCTAssertNil(table.nextDeadline(timeout: 1_000_000_000))
        XCTAssertEqual(
            withBytes("ping 2 6.000000") { table.match($0, arrival: 1_502_000_000) },
            .late(sequence: 2, roundTrip: 1_500_000))
        XCTAssertEqual(
            withBytes("ping 2 6.000000") { table.match($0, arrival: 1_503_000_000) },
            .duplicate(sequence: 2, roundTrip: 1_501_000))
        XCTAssertEqual(withBytes("PING 3 6.000000") { table.match($0, arrival: 0) }, .unknown(sequence: 3))
        XCTAssertEqual(withBytes("PING 0 6.000000") { table.match($0, arrival: 0) }, .unknown(sequence: 0))
        XCTAssertEqual(withBytes("PING 2 6.000001") { table.match($0, arrival: 0) }, .mismatched(sequence: 2))
        XCTAssertEqual(withBytes("PING 2 6.000000 ") { table.match($0, arrival: 0) }, .mismatched(sequence: 2))
        XCTAssertEqual(withBytes("hello") { table.match($0, arrival: 0) }, .unknown(sequence: nil))
    }

    /// A long run keeps a bounded table: probes no longer waited for are
    /// forgotten past the window (a reply to one is unknown), a pending one
    /// never is.
    func testOldProbesAreForgottenButNeverAPendingOne() {
        var table = UDPProbeTable(size: 0, window: 4)
        let waited = table.add(sentAt: 0, wallMicroseconds: 1)
        for sequence in 2...40 {
            let bytes = table.add(sentAt: Int64(sequence), wallMicroseconds: Int64(sequence))
            XCTAssertEqual(
                bytes.withUnsafeBytes { table.match($0, arrival: Int64(sequence) + 1_000) },
                .answer(sequence: UInt64(sequence), roundTrip: 1))
        }
        XCTAssertEqual(table.count, 40)
        XCTAssertEqual(waited.withUnsafeBytes { table.match($0, arrival: 50_000) }, .answer(sequence: 1, roundTrip: 50))
        for sequence in 41...60 { _ = table.add(sentAt: Int64(sequence), wallMicroseconds: Int64(sequence)) }
        _ = table.expire(now: 1_000_000, timeout: 10)
        for sequence in 61...80 { _ = table.add(sentAt: 1_000_000, wallMicroseconds: Int64(sequence)) }
        let forgotten = UDPProbeText.bytes(sequence: 2, wallMicroseconds: 2, size: 0)
        XCTAssertEqual(forgotten.withUnsafeBytes { table.match($0, arrival: 2_000_000) }, .unknown(sequence: 2))
        let recent = UDPProbeText.bytes(sequence: 80, wallMicroseconds: 80, size: 0)
        XCTAssertEqual(
            recent.withUnsafeBytes { table.match($0, arrival: 1_001_000) }, .answer(sequence: 80, roundTrip: 1))
    }

    func testUnreachableIsTheNewestPendingProbe() {
        var table = UDPProbeTable(size: 0)
        for sent in 1...3 { _ = table.add(sentAt: Int64(sent), wallMicroseconds: 0) }
        XCTAssertEqual(table.markLatestPendingUnreachable(excluding: 3), 2)
        XCTAssertEqual(table.markLatestPendingUnreachable(), 3)
        XCTAssertEqual(table.nextDeadline(timeout: 10), 11)
        XCTAssertEqual(table.markLatestPendingUnreachable(), 1)
        XCTAssertNil(table.markLatestPendingUnreachable())
    }

    func testSummaryHasPingsLinesThenLateDuplicatesAndPercentiles() {
        var statistics = UDPPingStatistics()
        statistics.transmitted = 4
        statistics.received = 3
        statistics.late = 1
        statistics.duplicates = 2
        for roundTrip in [81, 120, 95] { statistics.roundTrips.record(roundTrip) }
        let summary = UDPPingSummary(
            host: "localhost", statistics: statistics, elapsedMilliseconds: 3003, exitStatus: 0)
        XCTAssertEqual(
            UDPTextReporter.summary(summary),
            """

            --- localhost udpping statistics ---
            4 packets transmitted, 3 received, 25% packet loss, time 3003ms
            rtt min/avg/max/mdev = 0.081/0.098/0.120/0.016 ms
            1 late, 2 duplicates
            rtt p50/p90/p99 = 0.095/0.120/0.120 ms

            """)
    }
}
