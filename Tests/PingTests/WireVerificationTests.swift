import SocketCore
import XCTest

@testable import Ping

/// The run's report held against wire echoes: agreement gives the summary
/// line alone; every kind of disagreement gives its own line.
final class WireVerificationTests: XCTestCase {
    private let address = IPAddress.v4(WireFrames.loopback4)
    private let second: Int64 = 1_000_000_000

    private func data(_ sequence: UInt16) -> [UInt8] {
        (0..<56).map { UInt8(truncatingIfNeeded: Int($0) + Int(sequence)) }
    }

    private func wire(
        _ reply: Bool, _ sequence: UInt16, at timestamp: Int64, payload: [UInt8]? = nil,
        checksumIsValid: Bool = true
    ) -> WireEcho {
        WireEcho(
            isReply: reply, identifier: 0x4242, sequence: sequence, payload: payload ?? data(sequence),
            checksumIsValid: checksumIsValid, source: address, destination: address, timestamp: timestamp)
    }

    private func reply(
        _ sequence: UInt16, kind: PingStatistics.ReplyKind = .fresh, roundTrip: Int? = 20,
        payload: [UInt8]? = nil
    ) -> ToolEvent {
        .reply(
            ToolReply(
                sequence: sequence, payload: payload ?? data(sequence), kind: kind,
                roundTripMicroseconds: roundTrip))
    }

    /// Probes 1...count, each answered 12.345 µs later on the wire and in
    /// 18 µs by the run's clock.
    private func agreeingRun(_ count: UInt16) -> (ToolRecord, WireLog) {
        var events: [ToolEvent] = []
        var echoes: [WireEcho] = []
        for sequence in 1...count {
            let sent = Int64(sequence) * second
            events += [.sent(sequence: sequence, payload: data(sequence)), reply(sequence, roundTrip: 18)]
            echoes += [wire(false, sequence, at: sent), wire(true, sequence, at: sent + 12_345)]
        }
        return (ToolRecord(events: events, endedAt: Int64(count + 1) * second), WireLog(echoes: echoes))
    }

    func testAgreementIsOneSummaryLine() {
        let (tool, log) = agreeingRun(10)
        let result = WireVerification.check(tool, against: log)
        XCTAssertTrue(result.agrees, result.disagreements.joined(separator: "\n"))
        XCTAssertEqual(
            result.text(),
            "capture: 10/10 requests and 10/10 replies on the wire, checksums valid;"
                + " wire RTT avg 0.012 ms, tool overhead avg 0.005 ms\n")
    }

    func testAReplyTheWireNeverSaw() {
        var (tool, log) = agreeingRun(3)
        log.echoes.removeAll { $0.isReply && $0.sequence == 2 }
        let result = WireVerification.check(tool, against: log)
        XCTAssertFalse(result.agrees)
        XCTAssertEqual(result.disagreements, ["icmp_seq=2: reply reported, not seen on the wire"])
        XCTAssertTrue(
            result.text().hasPrefix("capture: 3/3 requests and 2/3 replies on the wire, checksums valid;"),
            result.text())
    }

    func testAReplyWithOtherDataOnTheWire() {
        var (tool, log) = agreeingRun(3)
        let index = log.echoes.firstIndex { $0.isReply && $0.sequence == 3 }!
        log.echoes[index].payload[30] ^= 0xFF
        let result = WireVerification.check(tool, against: log)
        XCTAssertEqual(result.disagreements, ["icmp_seq=3: reply reported with other data than the one on the wire"])
    }

    func testACountedReplyWithABadChecksumOnTheWire() throws {
        // The wire echo comes from real bytes: the codec finds the checksum bad.
        let bytes = try WireFrames.ipv4Echo(
            reply: true, identifier: 0x4242, sequence: 2, payload: data(2),
            badChecksum: true)
        var corrupted = try XCTUnwrap(WireFrames.parse(bytes, link: .ipv4, timestamp: 2 * second + 10_000))
        XCTAssertFalse(corrupted.checksumIsValid)
        var (tool, log) = agreeingRun(3)
        let index = log.echoes.firstIndex { $0.isReply && $0.sequence == 2 }!
        corrupted.timestamp = log.echoes[index].timestamp
        log.echoes[index] = corrupted
        let result = WireVerification.check(tool, against: log)
        XCTAssertEqual(result.disagreements, ["icmp_seq=2: reply counted, but on the wire: bad ICMP checksum"])
        XCTAssertTrue(
            result.text().hasPrefix("capture: 3/3 requests and 2/3 replies on the wire, 1 bad checksums;"),
            result.text())
    }

    func testACorruptedReplyBothSidesSawAgrees() {
        var (tool, log) = agreeingRun(2)
        tool.events[3] = reply(2, kind: .corrupted, roundTrip: nil)
        log.echoes[3].checksumIsValid = false
        let result = WireVerification.check(tool, against: log)
        XCTAssertTrue(result.agrees, result.disagreements.joined(separator: "\n"))
        XCTAssertEqual(result.repliesCounted, 1)
        XCTAssertEqual(result.badChecksums, 1)
    }

    func testABadChecksumTheWireDoesNotShow() {
        var (tool, log) = agreeingRun(2)
        tool.events[3] = reply(2, kind: .corrupted, roundTrip: nil)
        let result = WireVerification.check(tool, against: log)
        XCTAssertEqual(result.disagreements, ["icmp_seq=2: reply reported with a bad checksum, valid on the wire"])
    }

    func testRequestsMissingOrUnreportedOrAltered() {
        var (tool, log) = agreeingRun(4)
        log.echoes.removeAll { !$0.isReply && $0.sequence == 1 }
        log.echoes[log.echoes.firstIndex { !$0.isReply && $0.sequence == 2 }!].payload[20] ^= 1
        log.echoes.append(wire(false, 9, at: 4 * second + 500))
        let result = WireVerification.check(tool, against: log)
        XCTAssertEqual(
            result.disagreements,
            [
                "icmp_seq=1: request reported sent, not seen on the wire",
                "icmp_seq=2: request on the wire: other data than was sent",
                "icmp_seq=9: request on the wire, never reported sent",
            ])
        XCTAssertEqual(result.requestsSeen, 2)
    }

    func testAnUnreportedReplyCountsOnlyBeforeTheRunEnded() {
        var (tool, log) = agreeingRun(2)
        tool.events.removeLast()
        let result = WireVerification.check(tool, against: log)
        XCTAssertEqual(result.disagreements.count, 1)
        XCTAssertTrue(
            result.disagreements[0].hasPrefix("icmp_seq=2: reply on the wire 999.987 ms before the run ended"),
            result.disagreements[0])
        // A reply the run stopped waiting for before it came is no disagreement.
        tool.endedAt = 2 * second + 1
        XCTAssertTrue(WireVerification.check(tool, against: log).agrees)
    }

    func testSequenceNumbersReusedAfterTheWrapMatchInTurn() {
        let first = data(5)
        var second = data(5)
        second[40] = 0xEE
        let tool = ToolRecord(
            events: [
                .sent(sequence: 5, payload: first), reply(5, payload: first),
                .sent(sequence: 5, payload: second), reply(5, payload: second),
            ],
            endedAt: 10 * self.second)
        let log = WireLog(echoes: [
            wire(false, 5, at: 1_000, payload: first), wire(true, 5, at: 2_000, payload: first),
            wire(false, 5, at: 3_000, payload: second), wire(true, 5, at: 5_000, payload: second),
        ])
        let result = WireVerification.check(tool, against: log)
        XCTAssertTrue(result.agrees, result.disagreements.joined(separator: "\n"))
        XCTAssertEqual(result.wireRoundTrips, [1_000, 2_000])
    }

    func testDuplicatesNeedTheirOwnReplyOnTheWire() {
        var (tool, log) = agreeingRun(1)
        tool.events.append(reply(1, kind: .duplicate))
        XCTAssertEqual(
            WireVerification.check(tool, against: log).disagreements,
            ["icmp_seq=1: reply reported, not seen on the wire"])
        log.echoes.append(wire(true, 1, at: second + 50_000))
        XCTAssertTrue(WireVerification.check(tool, against: log).agrees)
    }

    func testDropsComeFirstAndLinesAreCapped() {
        var (tool, log) = agreeingRun(20)
        log.echoes.removeAll { $0.isReply }
        log.dropped = 20
        let result = WireVerification.check(tool, against: log)
        XCTAssertEqual(result.disagreements.count, 21)
        let lines = result.text(limit: 10).split(separator: "\n")
        XCTAssertEqual(lines.count, 12)
        XCTAssertEqual(lines[1], "capture: the kernel dropped 20 packets before the capture read them")
        XCTAssertEqual(lines[11], "capture: and 11 more disagreements")
        XCTAssertEqual(lines[0], "capture: 20/20 requests and 0/20 replies on the wire, checksums valid")
    }

    func testNegativeOverheadAndUntimedReplies() {
        var (tool, log) = agreeingRun(2)
        tool.events[1] = reply(1, roundTrip: 10)  // 10 µs by the run's clock, 12.345 on the wire
        tool.events[3] = reply(2, roundTrip: nil)
        let result = WireVerification.check(tool, against: log)
        XCTAssertTrue(result.text().hasSuffix("wire RTT avg 0.012 ms, tool overhead avg -0.002 ms\n"), result.text())
    }

    private struct Collector: PingReporter {
        var events: [String] = []
        mutating func report(_ event: PingEvent, about host: PingHost?) {
            let about = host.map { " host \($0.index)" } ?? ""
            switch event {
            case .capture(let verification): events.append("capture agrees=\(verification.agrees)\(about)")
            case .finished(let end): events.append("finished \(end.exitStatus)")
            default: events.append("other\(about)")
            }
        }
    }

    private let loopback = PingTarget(
        name: "127.0.0.1", address: .v4(WireFrames.loopback4),
        displayedAddress: "127.0.0.1")

    func testRecorderKeepsWhatTheRunReportedAndConcludesWithTheVerdict() {
        let payload = EchoPayload(size: 56)
        var recorder = CaptureRecorder(Collector(), payload: payload, targets: [loopback])
        recorder.report(.sent(sequence: 1, sentAt: 123_456_789), about: PingHost(0, loopback))
        recorder.report(.outstanding(sequence: 1), about: PingHost(0, loopback))
        recorder.report(.finished(RunEnd(summaries: [], exitStatus: 0)))
        // The end is held back until the verdict is in.
        XCTAssertEqual(recorder.inner.events, ["other host 0", "other host 0"])
        XCTAssertEqual(
            recorder.records.map(\.events),
            [[.sent(sequence: 1, payload: payload.bytes(sentAt: 123_456_789))]])
        XCTAssertEqual(recorder.sentCount, 1)
        XCTAssertEqual(recorder.countedReplies, 0)

        var disagreeing = WireVerification()
        disagreeing.disagreements = ["icmp_seq=1: request reported sent, not seen on the wire"]
        var verifying = recorder
        XCTAssertEqual(verifying.conclude([disagreeing], verify: true), 1)
        XCTAssertEqual(verifying.inner.events.suffix(2), ["capture agrees=false host 0", "finished 1"])
        // Without --verify the verdict is shown and the run's status kept.
        XCTAssertEqual(recorder.conclude([disagreeing], verify: false), 0)
        XCTAssertEqual(recorder.inner.events.suffix(2), ["capture agrees=false host 0", "finished 0"])
    }

    /// The same host twice: two records, each event in its host's by
    /// index, and one verdict per host, in order; any disagreement fails
    /// `--verify`.
    func testRecorderKeepsOneRecordPerHostEvenForTheSameHostTwice() {
        let payload = EchoPayload(size: 56)
        var recorder = CaptureRecorder(Collector(), payload: payload, targets: [loopback, loopback])
        recorder.report(.sent(sequence: 1, sentAt: 1_000), about: PingHost(0, loopback))
        recorder.report(.sent(sequence: 1, sentAt: 2_000), about: PingHost(1, loopback))
        recorder.report(.sent(sequence: 2, sentAt: 3_000), about: PingHost(1, loopback))
        recorder.report(
            .reply(
                ReplyEvent(
                    reply: EchoReply(
                        sequence: 1, icmpLength: 64, hopLimit: 64, checksumIsValid: true,
                        sender: .v4(WireFrames.loopback4)),
                    from: "127.0.0.1", kind: .fresh, roundTrip: 5, truncated: false, differentAddress: false,
                    wrongData: nil,
                    data: [7])),
            about: PingHost(1, loopback))
        recorder.report(.finished(RunEnd(summaries: [], exitStatus: 0)))
        XCTAssertEqual(recorder.records.map(\.sentCount), [1, 2])
        XCTAssertEqual(recorder.records.map(\.countedReplies), [0, 1])
        XCTAssertEqual(recorder.records.map(\.target), [loopback, loopback])
        XCTAssertEqual(recorder.records[0].events, [.sent(sequence: 1, payload: payload.bytes(sentAt: 1_000))])
        XCTAssertEqual(recorder.sentCount, 3)
        XCTAssertEqual(recorder.countedReplies, 1)

        var disagreeing = WireVerification()
        disagreeing.disagreements = ["icmp_seq=2: request reported sent, not seen on the wire"]
        var agreeing = recorder
        XCTAssertEqual(agreeing.conclude([WireVerification(), WireVerification()], verify: true), 0)
        XCTAssertEqual(
            agreeing.inner.events.suffix(3),
            [
                "capture agrees=true host 0", "capture agrees=true host 1",
                "finished 0",
            ])
        XCTAssertEqual(recorder.conclude([WireVerification(), disagreeing], verify: true), 1)
        XCTAssertEqual(
            recorder.inner.events.suffix(3),
            [
                "capture agrees=true host 0", "capture agrees=false host 1",
                "finished 1",
            ])
    }

    /// A capture shared by hosts is split by identifier and address: the
    /// same address with two identifiers, and one identifier at two
    /// addresses, are told apart.
    func testSharedCaptureIsSplitPerHost() {
        let other = IPv4Address(127, 0, 0, 2)
        func echo(_ identifier: UInt16, _ address: IPv4Address, reply: Bool, at time: Int64) -> WireEcho {
            WireEcho(
                isReply: reply, identifier: identifier, sequence: 1, payload: [], checksumIsValid: true,
                source: reply ? .v4(address) : .v4(WireFrames.loopback4), destination: .v4(address),
                timestamp: time)
        }
        let here = WireFrames.loopback4
        let echoes = [
            echo(10, here, reply: false, at: 1), echo(11, here, reply: false, at: 2),
            echo(12, other, reply: false, at: 3), echo(10, here, reply: true, at: 4),
            echo(11, other, reply: true, at: 5), echo(12, other, reply: true, at: 6),
        ]
        let log = WireLog(echoes: echoes, dropped: 3, failure: "gone")
        let first = log.only(CapturedHost(identifier: 10, address: .v4(WireFrames.loopback4)))
        XCTAssertEqual(first.echoes.map(\.timestamp), [1, 4])
        XCTAssertEqual(first.dropped, 3)
        XCTAssertEqual(first.failure, "gone")
        // Identifier 11 toward 127.0.0.1 (the request) is its; the reply
        // from 127.0.0.2 with id 11 belongs to no host of this run.
        XCTAssertEqual(log.only(CapturedHost(identifier: 11, address: .v4(here))).echoes.map(\.timestamp), [2])
        XCTAssertEqual(log.only(CapturedHost(identifier: 12, address: .v4(other))).echoes.map(\.timestamp), [3, 6])
        XCTAssertEqual(log.only(CapturedHost(identifier: 13, address: .v4(other))).echoes, [])
        XCTAssertEqual(CapturedHost(identifier: 1, address: .v6(.loopback)).version, .v6)
    }
}
