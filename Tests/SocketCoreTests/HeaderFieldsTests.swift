import SocketCore
import XCTest

/// The in-place readers (`IPv4HeaderFields`, `ICMPHeader`) against the
/// full parsers on the same bytes: the same fields, and malformed for the
/// same inputs.
final class HeaderFieldsTests: XCTestCase {
    private let payload = (0..<56).map { UInt8($0) }

    private func datagram(_ icmp: [UInt8], options: [UInt8] = []) throws -> [UInt8] {
        var header = IPv4Header(
            totalLength: UInt16(20 + options.count + icmp.count), protocol: 1,
            source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 9, 9, 9),
            timeToLive: 61)
        header.options = options
        return try header.packed() + icmp
    }

    private func fields(_ bytes: [UInt8]) throws(PacketError) -> IPv4HeaderFields {
        try bytes.withUnsafeBytes { raw in Result { () throws(PacketError) in try IPv4HeaderFields.parse(raw) } }.get()
    }

    private func icmpV4(_ bytes: [UInt8]) throws(PacketError) -> ICMPHeader {
        try bytes.withUnsafeBytes { raw in Result { () throws(PacketError) in try ICMPHeader.parseV4(raw) } }.get()
    }

    private func icmpV6(_ bytes: [UInt8]) throws(PacketError) -> ICMPHeader {
        try bytes.withUnsafeBytes { raw in Result { () throws(PacketError) in try ICMPHeader.parseV6(raw) } }.get()
    }

    func testIPv4FieldsAgreeWithTheHeader() throws {
        for options in [[], [UInt8](repeating: 1, count: 40)] {
            let bytes =
                try datagram(
                    ICMPMessage.echo(.v4, identifier: 1, sequence: 2, payload: payload),
                    options: options) + [0xee, 0xee]  // link padding
            let (header, range) = try IPv4Header.parse(bytes)
            let read = try fields(bytes)
            XCTAssertEqual(read.source, header.source)
            XCTAssertEqual(read.destination, header.destination)
            XCTAssertEqual(read.timeToLive, 61)
            XCTAssertEqual(read.protocol, 1)
            XCTAssertTrue(read.checksumIsValid)
            XCTAssertEqual(read.payloadOffset, range.lowerBound)
            XCTAssertEqual(read.payloadCount, range.count)
            XCTAssertEqual(read.payloadOffset, 20 + options.count)
            let payloadBytes = bytes.withUnsafeBytes { Array(read.payload(in: $0)) }
            XCTAssertEqual(payloadBytes, Array(bytes[range]))
        }
    }

    func testIPv4FieldsRefuseWhatTheHeaderRefuses() throws {
        let full = try datagram(ICMPMessage.echo(.v4, identifier: 1, sequence: 2, payload: payload))
        var ihlFour = full
        ihlFour[0] = 0x44
        var ihlFifteen = full
        ihlFifteen[0] = 0x4f
        var shortTotal = full
        shortTotal[2] = 0
        shortTotal[3] = 19
        var corrupted = full
        corrupted[11] ^= 1
        for bytes in [
            Array(full.prefix(19)), ihlFour, Array(ihlFifteen.prefix(40)), shortTotal,
            Array(full.prefix(full.count - 1)), [],
        ] {
            XCTAssertThrowsError(try IPv4Header.parse(bytes))
            XCTAssertThrowsError(try fields(bytes)) { error in
                XCTAssertEqual((error as? PacketError)?.isMalformed, true)
            }
        }
        // A bad header checksum is reported, not refused, by both.
        XCTAssertFalse(try fields(corrupted).checksumIsValid)
        XCTAssertFalse(try IPv4Header.parse(corrupted).header.checksumIsValid)
    }

    func testICMPHeaderAgreesWithTheMessage() throws {
        var reply = try ICMPMessage.echo(.v4, reply: true, identifier: 0x4242, sequence: 17, payload: payload)
        for corrupt in [false, true] {
            if corrupt { reply[30] ^= 0xff }
            let message = try ICMPMessage.parseV4(reply)
            let header = try icmpV4(reply)
            XCTAssertEqual(header.kind, .echoReply)
            XCTAssertEqual(header.version, .v4)
            XCTAssertEqual(header.type, message.type)
            XCTAssertEqual(header.code, message.code)
            XCTAssertEqual(header.identifier, 0x4242)
            XCTAssertEqual(header.sequence, 17)
            XCTAssertEqual(header.restOfHeader, message.restOfHeader)
            XCTAssertEqual(header.bodyCount, message.body.count)
            XCTAssertEqual(header.checksumIsValid, !corrupt)
            XCTAssertEqual(header.checksumIsValid, message.checksumIsValid)
        }
        let request = try ICMPMessage.echo(.v6, identifier: 7, sequence: 9, payload: [1, 2, 3])
        let v6 = try icmpV6(request)
        XCTAssertEqual(v6.kind, .echoRequest)
        XCTAssertEqual(v6.version, .v6)
        XCTAssertEqual(v6.identifier, 7)
        XCTAssertEqual(v6.sequence, 9)
        XCTAssertEqual(v6.bodyCount, 3)
        XCTAssertFalse(v6.checksumIsValid, "not checked without the addresses")
        XCTAssertEqual(ICMPHeader.length, 8)
    }

    func testICMPHeaderRefusesWhatTheMessageRefuses() throws {
        // Fewer than 8 bytes, and an error whose quote is a byte short of
        // an IPv4 header and 8 bytes more.
        let original = try datagram(ICMPMessage.echo(.v4, identifier: 1, sequence: 2, payload: payload))
        var short = try ICMPMessage.errorV4(type: 11, code: 0, quoting: Array(original.prefix(28)))
        short.removeLast()
        for bytes in [[0, 0, 0, 0, 0, 0, 0], short] {
            XCTAssertThrowsError(try ICMPMessage.parseV4(bytes))
            XCTAssertThrowsError(try icmpV4(bytes)) { error in
                XCTAssertEqual((error as? PacketError)?.isMalformed, true)
            }
        }
        let error = try ICMPMessage.errorV4(type: 3, code: 4, restOfHeader: 1400, quoting: Array(original.prefix(28)))
        let header = try icmpV4(error)
        XCTAssertEqual(header.kind, .error)
        XCTAssertEqual(header.restOfHeader, 1400)
        XCTAssertEqual(header.bodyCount, 28)
        XCTAssertThrowsError(try icmpV6([128, 0, 0]))
    }
}
