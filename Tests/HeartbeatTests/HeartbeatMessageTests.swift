import Heartbeat
import XCTest

final class HeartbeatMessageTests: XCTestCase {
    private func parse(_ text: String) -> HeartbeatMessage? {
        Array(text.utf8).withUnsafeBytes { HeartbeatMessage.parse($0) }
    }

    func testEncodesSequenceTimeAndID() {
        let time = UnixTime(microseconds: 1_764_612_345_000_081)
        XCTAssertEqual(
            String(decoding: HeartbeatMessage(sequence: 3, sentAt: time, id: "alpha").encoded, as: UTF8.self),
            "Heartbeat 3 1764612345.000081 alpha")
        XCTAssertEqual(
            String(decoding: HeartbeatMessage(sequence: 12, sentAt: time).encoded, as: UTF8.self),
            "Heartbeat 12 1764612345.000081")
    }

    func testParsesWhatItEncodes() {
        let message = HeartbeatMessage(
            sequence: 987_654, sentAt: UnixTime(microseconds: 1_700_000_000_123_456), id: "a.b-c")
        XCTAssertEqual(message.encoded.withUnsafeBytes { HeartbeatMessage.parse($0) }, message)
    }

    func testParsesOtherSendersTimes() {
        XCTAssertEqual(parse("Heartbeat 1 1700000000")?.sentAt.microseconds, 1_700_000_000_000_000)
        XCTAssertEqual(parse("Heartbeat 1 1700000000.5")?.sentAt.microseconds, 1_700_000_000_500_000)
        XCTAssertEqual(parse("Heartbeat 1 1700000000.123456789\n")?.sentAt.microseconds, 1_700_000_000_123_456)
        XCTAssertEqual(parse("Heartbeat 2 1700000000.25 x\r\n")?.id, "x")
    }

    func testRejectsWhatIsNotAHeartbeat() {
        for text in [
            "", "Heartbeat", "Heartbeat 1", "heartbeat 1 1700000000.0", "Ping 1 1700000000.0",
            "Heartbeat 0 1700000000.0", "Heartbeat 01 1700000000.0", "Heartbeat -1 1700000000.0",
            "Heartbeat 1 1700000000.", "Heartbeat 1 .5", "Heartbeat 1 17.0.0", "Heartbeat 1 1700000000.0 a b",
            "Heartbeat  1 1700000000.0", "Heartbeat 1 1700000000.0 ", "Heartbeat 1 1700000000.1234567890",
            "Heartbeat 99999999999999999999 1700000000.0", "Heartbeat 1 1700000000.0 caf\u{e9}",
            "Heartbeat 1 1700000000.0 " + String(repeating: "x", count: 65),
        ] {
            XCTAssertNil(parse(text), text.debugDescription)
        }
        XCTAssertNil(Array([0x48, 0xff, 0x00]).withUnsafeBytes { HeartbeatMessage.parse($0) })
    }

    func testIDRules() {
        XCTAssertTrue(HeartbeatMessage.isValidID("web-1"))
        XCTAssertTrue(HeartbeatMessage.isValidID(String(repeating: "x", count: 64)))
        XCTAssertFalse(HeartbeatMessage.isValidID(""))
        XCTAssertFalse(HeartbeatMessage.isValidID("a b"))
        XCTAssertFalse(HeartbeatMessage.isValidID(String(repeating: "x", count: 65)))
    }

    func testTimeText() {
        XCTAssertEqual(UnixTime(microseconds: 1_764_612_345_123_456).text, "1764612345.123456")
        XCTAssertEqual(UnixTime(microseconds: 5).text, "0.000005")
    }
}
