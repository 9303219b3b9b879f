import Servers
import SocketCore
import XCTest

@testable import Heartbeat

final class EventFormatTests: XCTestCase {
    private func event(_ kind: HeartbeatEvent.Kind) -> HeartbeatEvent {
        HeartbeatEvent(
            client: "alpha", address: .loopbackIPv4(port: 40000), time: UnixTime(microseconds: 1_764_612_345_123_456),
            kind: kind)
    }

    func testTextLines() {
        XCTAssertEqual(
            EventFormat.text.render(event(.heartbeat(sequence: 3, delayMicroseconds: 81))),
            "[1764612345.123456] client alpha heartbeat 3, delay 0.081 ms\n")
        XCTAssertEqual(
            EventFormat.text.render(event(.heartbeat(sequence: 3, delayMicroseconds: -1500))),
            "[1764612345.123456] client alpha heartbeat 3, delay -1.500 ms\n")
        XCTAssertEqual(
            EventFormat.text.render(event(.lost(sequences: 4...6))), "[1764612345.123456] client alpha lost 4-6 (3)\n")
        XCTAssertEqual(
            EventFormat.text.render(event(.lost(sequences: 4...4))), "[1764612345.123456] client alpha lost 4\n")
        XCTAssertEqual(
            EventFormat.text.render(
                event(.stopped(lastSequence: 9, silence: .milliseconds(3012), deadAfter: .seconds(3)))),
            "[1764612345.123456] client alpha stopped: nothing for 3.012 s after heartbeat 9\n")
        var summary = ClientSummary()
        summary.received = 2
        summary.lost = 1
        XCTAssertEqual(
            EventFormat.text.render(event(.summary(summary))),
            "[1764612345.123456] client alpha summary: received 2, lost 1 (33.33%), duplicates 0, reordered 0, "
                + "restarts 0, stopped 0\n")
    }

    func testJSONLines() {
        XCTAssertEqual(
            EventFormat.json.render(event(.lost(sequences: 4...6))),
            #"{"event":"lost","client":"alpha","address":"127.0.0.1:40000","unix_time":1764612345.123456,"#
                + #""seqs":[4,5,6],"count":3}"# + "\n")
        XCTAssertEqual(
            EventFormat.json.render(event(.reordered(sequence: 5, delayMicroseconds: 1_200_000))),
            #"{"event":"reordered","client":"alpha","address":"127.0.0.1:40000","unix_time":1764612345.123456,"#
                + #""seq":5,"delay_ms":1200.000}"# + "\n")
    }

    func testAHugeGapListsABoundedNumberOfSequences() {
        let line = EventFormat.json.render(event(.lost(sequences: 2...1_000_000_000)))
        XCTAssertLessThan(line.utf8.count, 100_000)
        XCTAssertTrue(line.hasSuffix(#","count":999999999}"# + "\n"))
    }

    func testJSONStringEscapes() {
        XCTAssertEqual(JSONText.quoted("a\"b\\c\u{1}"), #""a\"b\\c\u0001""#)
    }
}
