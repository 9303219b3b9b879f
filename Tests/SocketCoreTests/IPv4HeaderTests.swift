import SocketCore
import XCTest

final class IPv4HeaderTests: XCTestCase {
    /// A UDP datagram's header from 192.168.0.1 to 192.168.0.199 with DF set;
    /// its checksum, b861, is the widely quoted worked example.
    let example: [UInt8] = [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ]

    func testParseKnownHeader() throws {
        let packet = example + [UInt8](repeating: 0xaa, count: 0x73 - 20)
        let (header, payload) = try IPv4Header.parse(packet)
        XCTAssertEqual(header.headerLength, 20)
        XCTAssertEqual(header.totalLength, 0x73)
        XCTAssertTrue(header.dontFragment)
        XCTAssertFalse(header.moreFragments)
        XCTAssertEqual(header.timeToLive, 64)
        XCTAssertEqual(header.protocol, 17)
        XCTAssertEqual(header.checksum, 0xb861)
        XCTAssertTrue(header.checksumIsValid)
        XCTAssertEqual(header.source, IPv4Address("192.168.0.1"))
        XCTAssertEqual(header.destination, IPv4Address(192, 168, 0, 199))
        XCTAssertEqual(payload, 20..<0x73)
    }

    func testPackReproducesKnownHeader() throws {
        var header = IPv4Header(
            totalLength: 0x73, protocol: 17, source: IPv4Address(192, 168, 0, 1),
            destination: IPv4Address(192, 168, 0, 199))
        header.dontFragment = true
        XCTAssertEqual(try header.packed(), example)
    }

    func testOptionsRoundTrip() throws {
        var header = IPv4Header(
            totalLength: 28, protocol: 1, source: IPv4Address(10, 0, 0, 1),
            destination: IPv4Address(10, 0, 0, 2))
        header.options = [0x94, 0x04, 0x00, 0x00]  // Router Alert (RFC 2113)
        header.totalLength = 24 + 4
        let bytes = try header.packed()
        XCTAssertEqual(bytes.count, 24)
        XCTAssertEqual(bytes[0], 0x46)
        let (parsed, payload) = try IPv4Header.parse(bytes + [1, 2, 3, 4])
        XCTAssertEqual(parsed.options, header.options)
        XCTAssertEqual(parsed.headerLength, 24)
        XCTAssertTrue(parsed.checksumIsValid)
        XCTAssertEqual(try parsed.packed(), bytes)
        XCTAssertEqual(payload, 24..<28)
    }

    func testBadChecksumIsReportedNotRejected() throws {
        var packet = example + [UInt8](repeating: 0, count: 0x73 - 20)
        packet[11] ^= 0x01
        let (header, _) = try IPv4Header.parse(packet)
        XCTAssertFalse(header.checksumIsValid)
    }

    func testMalformedHeadersThrow() {
        let full = example + [UInt8](repeating: 0, count: 0x73 - 20)
        var ihlFour = full
        ihlFour[0] = 0x44
        var versionSix = full
        versionSix[0] = 0x65
        let cases: [(String, [UInt8])] = [
            ("truncated header", Array(full.prefix(19))),
            ("IHL below 5", ihlFour),
            ("version 6", versionSix),
            ("total length beyond the bytes present", Array(full.prefix(0x72))),
        ]
        for (name, bytes) in cases {
            XCTAssertThrowsError(try IPv4Header.parse(bytes), name) { error in
                XCTAssertEqual((error as? PacketError)?.isMalformed, true, name)
            }
        }
    }

    func testErrorDescriptionNamesCallAndErrno() {
        XCTAssertThrowsError(try IPv4Header.parse([0x45])) { error in
            XCTAssertEqual("\(error)", "sc_ipv4_parse: EBADMSG (Bad message)")
        }
    }
}
