import Glibc
import Ping
import SocketCore
import XCTest

/// Frames of every link type a capture can give, parsed into echoes;
/// frames too short or of other protocols give nothing and crash nothing.
final class WireEchoTests: XCTestCase {
    private let payload = Array(UInt8(0)..<56)

    func testEthernetIPv4Request() throws {
        let packet = try WireFrames.ipv4Echo(reply: false, identifier: 0xBEEF, sequence: 3, payload: payload)
        let echo = try XCTUnwrap(
            WireFrames.parse(
                WireFrames.ethernet(packet, etherType: 0x0800), link: .ethernet,
                timestamp: 42))
        XCTAssertEqual(
            echo,
            WireEcho(
                isReply: false, identifier: 0xBEEF, sequence: 3, payload: payload,
                checksumIsValid: true, source: .v4(WireFrames.loopback4),
                destination: .v4(WireFrames.loopback4), timestamp: 42))
    }

    func testBadICMPChecksumIsSeen() throws {
        let packet = try WireFrames.ipv4Echo(
            reply: true, identifier: 1, sequence: 1, payload: payload, badChecksum: true)
        let echo = try XCTUnwrap(WireFrames.parse(WireFrames.ethernet(packet, etherType: 0x0800), link: .ethernet))
        XCTAssertTrue(echo.isReply)
        XCTAssertFalse(echo.checksumIsValid)
        XCTAssertTrue(echo.headerChecksumIsValid)
    }

    func testBadIPv4HeaderChecksumIsSeen() throws {
        var packet = try WireFrames.ipv4Echo(reply: true, identifier: 1, sequence: 1, payload: payload)
        packet[10] ^= 0x55
        let echo = try XCTUnwrap(WireFrames.parse(packet, link: .raw))
        XCTAssertTrue(echo.checksumIsValid)
        XCTAssertFalse(echo.headerChecksumIsValid)
    }

    func testFirstFragmentIsMarked() throws {
        let packet = try WireFrames.ipv4Echo(
            reply: false, identifier: 1, sequence: 1, payload: payload,
            moreFragments: true)
        XCTAssertEqual(WireFrames.parse(packet, link: .ipv4)?.isFragment, true)
    }

    func testVLANTaggedEthernet() throws {
        let packet = try WireFrames.ipv4Echo(reply: false, identifier: 7, sequence: 9, payload: payload)
        let frame = WireFrames.ethernet(packet, etherType: 0x0800, vlan: 100)
        XCTAssertEqual(WireFrames.parse(frame, link: .ethernet)?.sequence, 9)
    }

    func testIPv6ChecksumIsVerifiedOverThePseudoHeader() throws {
        let packet = try WireFrames.ipv6Echo(reply: true, identifier: 0x0102, sequence: 65535, payload: payload)
        let echo = try XCTUnwrap(WireFrames.parse(WireFrames.ethernet(packet, etherType: 0x86DD), link: .ethernet))
        XCTAssertEqual(echo.identifier, 0x0102)
        XCTAssertEqual(echo.sequence, 65535)
        XCTAssertTrue(echo.checksumIsValid)
        XCTAssertEqual(echo.payload, payload)
        XCTAssertEqual(echo.source, .v6(.loopback))

        var corrupted = packet
        corrupted[corrupted.count - 1] ^= 1
        XCTAssertEqual(WireFrames.parse(corrupted, link: .ipv6)?.checksumIsValid, false)
    }

    func testEveryLinkHeader() throws {
        let v4 = try WireFrames.ipv4Echo(reply: false, identifier: 5, sequence: 6, payload: payload)
        let v6 = try WireFrames.ipv6Echo(reply: false, identifier: 5, sequence: 6, payload: payload)
        var family4 = UInt32(AF_INET)
        var family6 = UInt32(AF_INET6)
        let null4 = withUnsafeBytes(of: &family4) { Array($0) } + v4
        let null6 = withUnsafeBytes(of: &family6) { Array($0) } + v6
        let loop4: [UInt8] = [0, 0, 0, 2] + v4
        // Cooked headers: packet type, link type, address length, 8 address
        // bytes, protocol (SLL); protocol first, then the rest (SLL2).
        let sll6 = [UInt8](repeating: 0, count: 14) + [0x86, 0xDD] + v6
        let sll2v4 = [0x08, 0x00] + [UInt8](repeating: 0, count: 18) + v4
        let cases: [(String, [UInt8], LinkLayer)] = [
            ("null v4", null4, .null), ("null v6", null6, .null), ("loop v4", loop4, .loop),
            ("sll v6", sll6, .linuxCooked), ("sll2 v4", sll2v4, .linuxCooked2),
            ("raw v4", v4, .raw), ("raw v6", v6, .raw), ("ipv4", v4, .ipv4), ("ipv6", v6, .ipv6),
        ]
        for (name, frame, link) in cases {
            let echo = WireFrames.parse(frame, link: link)
            XCTAssertEqual(echo?.sequence, 6, name)
            XCTAssertEqual(echo?.checksumIsValid, true, name)
        }
    }

    func testLinkTypesFromPcap() {
        XCTAssertEqual(LinkLayer(dataLinkType: 1), .ethernet)
        XCTAssertEqual(LinkLayer(dataLinkType: 0), .null)
        XCTAssertEqual(LinkLayer(dataLinkType: 113), .linuxCooked)
        XCTAssertEqual(LinkLayer(dataLinkType: 276), .linuxCooked2)
        XCTAssertEqual(LinkLayer(dataLinkType: 12), .raw)
        XCTAssertEqual(LinkLayer(dataLinkType: 101), .raw)
        XCTAssertNil(LinkLayer(dataLinkType: 105))  // 802.11
    }

    func testNothingThatIsNotAnEchoParses() throws {
        let v4 = try WireFrames.ipv4Echo(reply: false, identifier: 5, sequence: 6, payload: payload)
        // Every truncation of a frame: nothing, never a read past its end.
        let frame = WireFrames.ethernet(v4, etherType: 0x0800)
        for length in 0..<frame.count {
            XCTAssertNil(WireFrames.parse(Array(frame.prefix(length)), link: .ethernet), "\(length) bytes")
        }
        XCTAssertNil(WireFrames.parse(WireFrames.ethernet(v4, etherType: 0x0806), link: .ethernet))  // ARP
        XCTAssertNil(WireFrames.parse([0x50] + v4.dropFirst(), link: .raw))  // version 5
        let unreachable = try ICMPMessage.errorV4(type: 3, code: 1, quoting: v4)
        let error =
            try IPv4Header(
                totalLength: UInt16(20 + unreachable.count), protocol: 1,
                source: WireFrames.loopback4, destination: WireFrames.loopback4
            ).packed() + unreachable
        XCTAssertNil(WireFrames.parse(error, link: .ipv4))
        // ICMPv6 behind an extension header is not walked to.
        let hopByHop = try WireFrames.ipv6Echo(
            reply: false, identifier: 5, sequence: 6, payload: payload, hopByHop: true)
        XCTAssertNil(WireFrames.parse(hopByHop, link: .ipv6))
    }
}
