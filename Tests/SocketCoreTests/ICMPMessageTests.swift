import CSockCore
import SocketCore
import XCTest

final class ICMPMessageTests: XCTestCase {
    let payload = (0..<56).map { UInt8($0) }

    func testEchoRequestMatchesHandVector() throws {
        let bytes = try ICMPMessage.echo(.v4, identifier: 0x1234, sequence: 1, payload: payload)
        XCTAssertEqual(Array(bytes.prefix(8)), [8, 0, 0xee, 0xb7, 0x12, 0x34, 0x00, 0x01])
        let message = try ICMPMessage.parseV4(bytes)
        XCTAssertEqual(message.kind, .echoRequest)
        XCTAssertTrue(message.checksumIsValid)
        XCTAssertEqual(message.identifier, 0x1234)
        XCTAssertEqual(message.sequence, 1)
        XCTAssertEqual(message.body, payload)
    }

    func testCorruptedReplyIsFlagged() throws {
        var bytes = try ICMPMessage.echo(.v4, reply: true, identifier: 7, sequence: 9, payload: payload)
        bytes[20] ^= 0xff
        let message = try ICMPMessage.parseV4(bytes)
        XCTAssertEqual(message.kind, .echoReply)
        XCTAssertFalse(message.checksumIsValid)
    }

    /// The C core and the Swift layer agree on the checksum of every echo.
    func testEchoChecksumAgreesWithC() throws {
        for size in [0, 1, 8, 55, 56, 1472] {
            let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let bytes = try ICMPMessage.echo(.v4, identifier: 0xbeef, sequence: UInt16(size), payload: body)
            var zeroed = bytes
            zeroed[2] = 0
            zeroed[3] = 0
            let cValue = zeroed.withUnsafeBytes { sc_checksum($0.baseAddress, $0.count) }
            XCTAssertEqual(UInt16(bytes[2]) << 8 | UInt16(bytes[3]), UInt16(bigEndian: cValue))
            XCTAssertEqual(UInt16(bytes[2]) << 8 | UInt16(bytes[3]), referenceChecksum(zeroed))
        }
    }

    func testICMPv6EchoHandVector() throws {
        let bytes = try ICMPMessage.echo(
            .v6, identifier: 0x1234, sequence: 1, payload: Array("abcdefgh".utf8),
            source: .loopback, destination: .loopback)
        XCTAssertEqual(Array(bytes.prefix(4)), [128, 0, 0xdb, 0xe8])
        let message = try ICMPMessage.parseV6(bytes, source: .loopback, destination: .loopback)
        XCTAssertTrue(message.checksumIsValid)
        XCTAssertEqual(message.kind, .echoRequest)
        let unchecked = try ICMPMessage.echo(.v6, identifier: 1, sequence: 2, payload: [])
        XCTAssertEqual(unchecked[2], 0)
        XCTAssertEqual(unchecked[3], 0)
    }

    /// A "destination host unreachable" quoting our own echo request: the
    /// quote gives back the addresses, id and sequence of the probe.
    func testUnreachableQuotesOurEcho() throws {
        let echo = try ICMPMessage.echo(.v4, identifier: 0x4242, sequence: 17, payload: payload)
        let ip = try IPv4Header(
            totalLength: UInt16(20 + echo.count), protocol: 1,
            source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 9, 9, 9)
        ).packed()
        let original = ip + echo
        let error = try ICMPMessage.errorV4(type: 3, code: 1, quoting: Array(original.prefix(28)))
        let message = try ICMPMessage.parseV4(error)
        XCTAssertEqual(message.kind, .error)
        XCTAssertTrue(message.checksumIsValid)
        let quote = try XCTUnwrap(message.quote)
        XCTAssertEqual(quote.source, .v4(IPv4Address(10, 0, 0, 1)))
        XCTAssertEqual(quote.destination, IPAddress("10.9.9.9"))
        XCTAssertEqual(quote.protocol, 1)
        XCTAssertEqual(quote.icmp?.type, 8)
        XCTAssertEqual(quote.icmp?.identifier, 0x4242)
        XCTAssertEqual(quote.icmp?.sequence, 17)
    }

    func testFragmentationNeededCarriesMTU() throws {
        let ip = try IPv4Header(
            totalLength: 1500, protocol: 17, source: IPv4Address(10, 0, 0, 1),
            destination: IPv4Address(10, 0, 0, 2)
        ).packed()
        let udp: [UInt8] = [0x30, 0x39, 0x00, 0x35, 0x05, 0xc8, 0x00, 0x00]
        let error = try ICMPMessage.errorV4(type: 3, code: 4, restOfHeader: 1400, quoting: ip + udp)
        let message = try ICMPMessage.parseV4(error)
        XCTAssertEqual(message.mtu, 1400)
        XCTAssertEqual(message.quote?.udp?.sourcePort, 12345)
        XCTAssertEqual(message.quote?.udp?.destinationPort, 53)
    }

    func testShortQuoteIsMalformed() throws {
        let ip = try IPv4Header(
            totalLength: 84, protocol: 1, source: IPv4Address(10, 0, 0, 1),
            destination: IPv4Address(10, 0, 0, 2)
        ).packed()
        // Built by hand: the packer would refuse a quote this short.
        var error: [UInt8] = [11, 0, 0, 0, 0, 0, 0, 0] + ip + [8, 0, 0, 0, 0, 1, 0]
        let check = InternetChecksum.of(error)
        error[2] = UInt8(check >> 8)
        error[3] = UInt8(check & 0xff)
        XCTAssertThrowsError(try ICMPMessage.parseV4(error)) { error in
            XCTAssertEqual((error as? PacketError)?.isMalformed, true)
        }
        XCTAssertThrowsError(try ICMPMessage.parseV4([0, 0, 0, 0, 0, 0, 0]))
    }
}
