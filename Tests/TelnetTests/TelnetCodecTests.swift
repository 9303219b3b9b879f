import XCTest

@testable import Telnet

/// The NVT decoder and encoder (RFC 854, 855) without sockets.
final class TelnetCodecTests: XCTestCase {
    private let iac: UInt8 = 255

    private func receive(_ bytes: [UInt8], session: inout TelnetSession) -> TelnetInput {
        session.receive(bytes)
    }

    func testIACIACIsOneDataByteBothWays() {
        var session = TelnetSession()
        XCTAssertEqual(session.receive([0x41, iac, iac, 0x42]).events, [.data([0x41, 255, 0x42])])
        XCTAssertEqual(session.encode([0x41, 255, 0x42]), [0x41, iac, iac, 0x42])
    }

    func testCarriageReturnNulIsACarriageReturnAlone() {
        var session = TelnetSession()
        XCTAssertEqual(session.receive(Array("a\r\0b\r\nc".utf8)).data, Array("a\rb\r\nc".utf8))
        // Split between the CR and its NUL.
        var split = TelnetSession()
        XCTAssertEqual(split.receive(Array("a\r".utf8)).data + split.receive([0, 0x62]).data, Array("a\rb".utf8))
        // A NUL not after a CR is data.
        XCTAssertEqual(TelnetSession().receiveCopy([0x61, 0, 0x62]).data, [0x61, 0, 0x62])
    }

    func testOutgoingLineEndsFollowTheNVT() {
        let session = TelnetSession()
        XCTAssertEqual(session.encode(Array("a\nb".utf8)), Array("a\r\nb".utf8))
        XCTAssertEqual(session.encode(Array("a\r\nb".utf8)), Array("a\r\nb".utf8))
        XCTAssertEqual(session.encode(Array("a\rb".utf8)), [0x61, 0x0D, 0, 0x62])
        XCTAssertEqual(session.encode(Array("a\r".utf8)), [0x61, 0x0D, 0])
    }

    func testBinaryTurnsTheLineEndRulesOffBothWays() {
        var session = TelnetSession()
        let reply = session.receive([iac, 251, 0, iac, 253, 0, 0x0D, 0, iac, iac])
        XCTAssertEqual(reply.reply, [iac, 253, 0, iac, 251, 0])
        XCTAssertEqual(reply.data, [0x0D, 0, 255], "the NUL after a CR is data in binary")
        XCTAssertEqual(session.encode([0x0A, 0x0D, 255]), [0x0A, 0x0D, iac, iac])
    }

    func testCommandsComeOutAsEvents() {
        var session = TelnetSession()
        let input = session.receive([0x61, iac, 241, iac, 246, iac, 249, iac, 243, iac, 244, 0x62, iac, 7])
        XCTAssertEqual(
            input.events,
            [
                .data([0x61]), .command(.noOperation), .command(.areYouThere), .command(.goAhead),
                .command(.breakKey), .command(.interruptProcess), .data([0x62]),
                .command(TelnetCommand(rawValue: 7)),
            ])
        XCTAssertEqual(input.reply, [])
        XCTAssertEqual(session.encode(.areYouThere), [iac, 246])
    }

    func testSubnegotiationWithDoubledIAC() {
        var session = TelnetSession()
        let input = session.receive([iac, 250, 99, 1, iac, iac, 2, iac, 240, 0x7A])
        XCTAssertEqual(input.events, [.subnegotiation(TelnetOption(rawValue: 99), [1, 255, 2]), .data([0x7A])])
    }

    func testA600ByteSubnegotiationIsDiscardedWithAnError() {
        var session = TelnetSession()
        let input = session.receive(
            [iac, 250, 99] + [UInt8](repeating: 0x41, count: 600) + [iac, 240] + Array("after".utf8))
        XCTAssertEqual(
            input.events,
            [.violation(.subnegotiationTooLong(TelnetOption(rawValue: 99), limit: 512)), .data(Array("after".utf8))])
        XCTAssertEqual(session.bufferedCount, 0)
    }

    func testASubnegotiationWithoutItsEndEndsAtTheNextCommand() {
        var session = TelnetSession()
        let input = session.receive([iac, 250, 24, 1, iac, 251, 3] + Array("login: ".utf8))
        XCTAssertEqual(
            input.events,
            [
                .violation(.subnegotiationUnterminated(.terminalType)),
                .optionChanged(.suppressGoAhead, .remote, enabled: true),
                .data(Array("login: ".utf8)),
            ])
        XCTAssertEqual(input.reply, [iac, 253, 3])
    }

    func testASubnegotiationWithoutAnyEndSwallowsABoundedCount() {
        var session = TelnetSession()
        var plain: [UInt8] = []
        for _ in 0..<10 { plain += session.receive([UInt8](repeating: 0x42, count: 1000)).data }
        XCTAssertTrue(plain == [UInt8](repeating: 0x42, count: 10_000), "data without a subnegotiation is all data")
        var open = TelnetSession()
        var data: [UInt8] = []
        var violations: [TelnetViolation] = []
        let stream = [iac, 250, 99] + [UInt8](repeating: 0x42, count: 10_000)
        for start in stride(from: 0, to: stream.count, by: 1000) {
            for event in open.receive(stream[start..<min(start + 1000, stream.count)]).events {
                switch event {
                case .data(let bytes): data += bytes
                case .violation(let violation): violations.append(violation)
                default: XCTFail("\(event)")
                }
                XCTAssertLessThanOrEqual(open.bufferedCount, 512)
            }
        }
        let option = TelnetOption(rawValue: 99)
        XCTAssertEqual(violations, [.subnegotiationTooLong(option, limit: 512), .subnegotiationUnterminated(option)])
        XCTAssertEqual(data.count, 10_000 - 4096, "the bytes after the bound are data again")
    }

    func testSubnegotiationWithoutOption() {
        var session = TelnetSession()
        XCTAssertEqual(
            session.receive([iac, 250, iac, 240, 0x41]).events,
            [.violation(.subnegotiationWithoutOption), .command(.subnegotiationEnd), .data([0x41])])
    }

    func testAnySplitGivesTheSameEvents() {
        let stream: [UInt8] =
            [0x61, 0x0D, 0, iac, iac, iac, 253, 24, iac, 250, 24, 1, iac, 240, iac, 251, 1, 0x0D, 0x0A]
            + [iac, 250, 31, iac, iac, iac, 240, iac, 254, 1, 0x62]
        var whole = TelnetSession(terminalType: "xterm")
        let expected = whole.receive(stream)
        for split in 0...stream.count {
            var session = TelnetSession(terminalType: "xterm")
            let first = session.receive(stream[..<split])
            let second = session.receive(stream[split...])
            XCTAssertEqual(merged(first.events + second.events), merged(expected.events), "split at \(split)")
            XCTAssertEqual(first.reply + second.reply, expected.reply, "split at \(split)")
        }
    }

    private func merged(_ events: [TelnetEvent]) -> [TelnetEvent] {
        var result: [TelnetEvent] = []
        for event in events {
            if case .data(let bytes) = event, case .data(let before) = result.last {
                result[result.count - 1] = .data(before + bytes)
            } else {
                result.append(event)
            }
        }
        return result
    }
}

extension TelnetSession {
    /// `receive` on a copy, for one-line checks.
    fileprivate func receiveCopy(_ bytes: [UInt8]) -> TelnetInput {
        var copy = self
        return copy.receive(bytes)
    }
}
