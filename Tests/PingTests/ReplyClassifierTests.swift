import Glibc
import Ping
import SocketCore
import XCTest

/// Every kind of bad input the issue lists, built with the C codec and
/// classified; nothing may crash, read out of bounds or count wrongly.
final class ReplyClassifierTests: XCTestCase {
    private let target = IPv4Address(127, 0, 0, 1)
    private let us = IPv4Address(127, 0, 0, 2)
    private lazy var identity = ProbeIdentity(version: .v4, identifier: 0x1234, target: .v4(target))

    /// An IPv4 packet from `source` carrying `icmp`.
    private func packet(_ icmp: [UInt8], from source: IPv4Address, options: [UInt8] = []) throws -> [UInt8] {
        var header = IPv4Header(
            totalLength: UInt16(20 + options.count + icmp.count), protocol: 1, source: source,
            destination: us, timeToLive: 61)
        header.options = options
        return try header.packed() + icmp
    }

    private func echoReply(identifier: UInt16 = 0x1234, sequence: UInt16 = 7, payload: [UInt8] = Array(0..<56))
        throws -> [UInt8]
    {
        try ICMPMessage.echo(.v4, reply: true, identifier: identifier, sequence: sequence, payload: payload)
    }

    /// Our request to `destination` as the network saw it (IP header + ICMP).
    private func ourRequest(to destination: IPv4Address, identifier: UInt16 = 0x1234) throws -> [UInt8] {
        let icmp = try ICMPMessage.echo(.v4, identifier: identifier, sequence: 9, payload: Array(0..<56))
        return try IPv4Header(
            totalLength: UInt16(20 + icmp.count), protocol: 1, source: us,
            destination: destination
        ).packed() + icmp
    }

    func testOurEchoReply() throws {
        let bytes = try packet(echoReply(), from: target)
        guard case .reply(let reply) = ReplyClassifier.ipv4Packet(bytes, identity: identity) else { return XCTFail() }
        XCTAssertEqual(reply.sequence, 7)
        XCTAssertEqual(reply.icmpLength, 64)
        XCTAssertEqual(reply.hopLimit, 61)
        XCTAssertTrue(reply.checksumIsValid)
        XCTAssertEqual(reply.sender, .v4(target))
        // The data is found where it lies: after 20 bytes of IP and 8 of ICMP.
        XCTAssertEqual(reply.dataOffset, 28)
        XCTAssertEqual(reply.dataCount, 56)
        XCTAssertEqual(reply.data(in: bytes), Array(0..<56))
    }

    /// Link padding after the datagram's total length is neither ICMP
    /// length nor echo data.
    func testPaddingPastTheTotalLengthIsNotData() throws {
        let bytes = try packet(echoReply(), from: target) + [0, 0, 0, 0]
        guard case .reply(let reply) = ReplyClassifier.ipv4Packet(bytes, identity: identity) else { return XCTFail() }
        XCTAssertEqual(reply.icmpLength, 64)
        XCTAssertEqual(reply.data(in: bytes), Array(0..<56))
    }

    /// An ICMP message without its IP header (a ping socket's): the data
    /// starts after the 8-byte ICMP header.
    func testDatagramSocketReplyDataOffset() throws {
        let icmp = try echoReply(payload: [9, 8, 7])
        let datagram = ProbeIdentity(version: .v4, identifier: nil, target: .v4(target))
        guard
            case .reply(let reply) = ReplyClassifier.icmp(
                icmp, sender: .v4(target), hopLimit: 64,
                checksumIsVerified: true, identity: datagram)
        else { return XCTFail() }
        XCTAssertEqual(reply.dataOffset, 8)
        XCTAssertEqual(reply.data(in: icmp), [9, 8, 7])
        XCTAssertTrue(reply.checksumIsValid)
    }

    func testWrongChecksumIsReportedNotTrusted() throws {
        var icmp = try echoReply()
        icmp[2] ^= 0xff
        guard case .reply(let reply) = ReplyClassifier.ipv4Packet(try packet(icmp, from: target), identity: identity)
        else { return XCTFail() }
        XCTAssertFalse(reply.checksumIsValid)
    }

    func testForeignIdentifierIsIgnored() throws {
        XCTAssertEqual(
            ReplyClassifier.ipv4Packet(try packet(echoReply(identifier: 0x9999), from: target), identity: identity),
            .ignored(.foreignIdentifier))
        // A ping socket has no identifier to check: the kernel did it.
        let datagram = ProbeIdentity(version: .v4, identifier: nil, target: .v4(target))
        guard
            case .reply = ReplyClassifier.icmp(
                try echoReply(identifier: 0x9999), sender: .v4(target), hopLimit: nil,
                checksumIsVerified: true, identity: datagram)
        else { return XCTFail() }
    }

    func testShortRepliesAreTruncatedNotMalformed() throws {
        for length in 8...15 {
            let icmp = Array(try echoReply(payload: Array(repeating: 0, count: length - 8)))
            let bytes = try packet(icmp, from: target)
            guard case .reply(let reply) = ReplyClassifier.ipv4Packet(bytes, identity: identity)
            else { return XCTFail("\(length) bytes") }
            XCTAssertEqual(reply.icmpLength, length)
            XCTAssertEqual(reply.data(in: bytes).count, length - 8)
            XCTAssertNil(EchoPayload.sendTime(in: reply.data(in: bytes)[...]))
        }
        XCTAssertEqual(
            ReplyClassifier.ipv4Packet(
                try packet(Array(try echoReply().prefix(7)), from: target),
                identity: identity), .ignored(.malformed))
    }

    func testHeadersThatLieAreDropped() throws {
        var bytes = try packet(echoReply(), from: target)
        bytes[0] = 0x44  // IHL 4
        XCTAssertEqual(ReplyClassifier.ipv4Packet(bytes, identity: identity), .ignored(.malformed))
        bytes = try packet(echoReply(), from: target)
        bytes[3] = 0xff  // total length beyond the bytes present
        XCTAssertEqual(ReplyClassifier.ipv4Packet(bytes, identity: identity), .ignored(.malformed))
        bytes = try packet(echoReply(), from: target)
        bytes[0] = 0x4f  // IHL 15: 60 header bytes claimed
        XCTAssertEqual(ReplyClassifier.ipv4Packet(Array(bytes.prefix(40)), identity: identity), .ignored(.malformed))
        XCTAssertEqual(ReplyClassifier.ipv4Packet([], identity: identity), .ignored(.malformed))
        bytes = try packet(echoReply(), from: target)
        bytes[0] = 0x65  // version 6 in an IPv4 socket's datagram
        XCTAssertEqual(ReplyClassifier.ipv4Packet(bytes, identity: identity), .ignored(.malformed))
        bytes = try packet(echoReply(), from: target)
        bytes[2] = 0
        bytes[3] = 19  // total length below the header's own
        XCTAssertEqual(ReplyClassifier.ipv4Packet(bytes, identity: identity), .ignored(.malformed))
        bytes = try packet(echoReply(), from: target)
        bytes[9] = 17  // UDP, not ICMP
        XCTAssertEqual(ReplyClassifier.ipv4Packet(bytes, identity: identity), .ignored(.malformed))
    }

    /// A total length shorter than the bytes received cuts the ICMP
    /// message there: its length and data end at the total length, and
    /// the checksum, over the message cut short, no longer verifies.
    func testTotalLengthShorterThanReceivedCutsTheMessage() throws {
        var bytes = try packet(echoReply(), from: target)
        bytes[2] = 0
        bytes[3] = 20 + 8 + 20
        guard case .reply(let reply) = ReplyClassifier.ipv4Packet(bytes, identity: identity) else { return XCTFail() }
        XCTAssertEqual(reply.icmpLength, 28)
        XCTAssertEqual(reply.data(in: bytes), Array(0..<20))
        XCTAssertFalse(reply.checksumIsValid)
    }

    func testFortyBytesOfOptions() throws {
        let options = [UInt8](repeating: 1, count: 40)  // NOPs
        let bytes = try packet(echoReply(), from: target, options: options)
        guard case .reply(let reply) = ReplyClassifier.ipv4Packet(bytes, identity: identity) else { return XCTFail() }
        XCTAssertEqual(reply.icmpLength, 64)
        XCTAssertEqual(reply.sequence, 7)
        XCTAssertEqual(reply.hopLimit, 61)
        XCTAssertEqual(reply.dataOffset, 68)
        XCTAssertEqual(reply.data(in: bytes), Array(0..<56))
    }

    func testErrorQuotingOurRequest() throws {
        let error = try ICMPMessage.errorV4(type: 3, code: 1, quoting: Array(ourRequest(to: target).prefix(28)))
        let router = IPv4Address(10, 0, 0, 1)
        guard case .error(let report) = ReplyClassifier.ipv4Packet(try packet(error, from: router), identity: identity)
        else { return XCTFail() }
        XCTAssertEqual(report.sequence, 9)
        XCTAssertEqual(report.sender, .v4(router))
        XCTAssertEqual([report.type, report.code], [3, 1])
        XCTAssertFalse(report.isNotice)
        let mtu = try ICMPMessage.errorV4(
            type: 3, code: 4, restOfHeader: 1400, quoting: Array(ourRequest(to: target).prefix(28)))
        guard case .error(let needFrag) = ReplyClassifier.ipv4Packet(try packet(mtu, from: router), identity: identity)
        else { return XCTFail() }
        XCTAssertEqual(needFrag.info, 1400)
    }

    func testErrorsAboutOthersAreIgnored() throws {
        let router = IPv4Address(10, 0, 0, 1)
        let elsewhere = try ICMPMessage.errorV4(type: 11, code: 0, quoting: Array(ourRequest(to: router).prefix(28)))
        XCTAssertEqual(
            ReplyClassifier.ipv4Packet(try packet(elsewhere, from: router), identity: identity),
            .ignored(.foreignQuote))
        let someoneElse = try ICMPMessage.errorV4(
            type: 11, code: 0,
            quoting: Array(ourRequest(to: target, identifier: 1).prefix(28)))
        XCTAssertEqual(
            ReplyClassifier.ipv4Packet(try packet(someoneElse, from: router), identity: identity),
            .ignored(.foreignQuote))
        // A quote one byte short of the IP header and 8 bytes.
        var short = try ICMPMessage.errorV4(type: 11, code: 0, quoting: Array(ourRequest(to: target).prefix(28)))
        short.removeLast()
        XCTAssertEqual(
            ReplyClassifier.ipv4Packet(try packet(short, from: router), identity: identity),
            .ignored(.malformed))
    }

    func testOurOwnRequestIsNotAReply() throws {
        let request = try ICMPMessage.echo(.v4, identifier: 0x1234, sequence: 1, payload: [])
        XCTAssertEqual(
            ReplyClassifier.ipv4Packet(try packet(request, from: target), identity: identity),
            .ignored(.otherType))
    }

    func testQueuedErrorOfAPingSocket() throws {
        let datagram = ProbeIdentity(version: .v6, identifier: nil, target: .v6(.loopback))
        let request = try ICMPMessage.echo(.v6, identifier: 77, sequence: 300, payload: [1, 2, 3])
        let error = ExtendedError(
            errorCode: UInt32(EACCES), origin: .icmpv6, type: 1, code: 1, info: 0,
            offender: .ipv6(.loopback, port: 0))
        guard
            case .error(let report) = ReplyClassifier.queuedError(
                error, quoted: request, destination: .v6(.loopback),
                identity: datagram)
        else { return XCTFail() }
        XCTAssertEqual(report.sequence, 300)
        XCTAssertEqual(report.sender, .v6(.loopback))
        XCTAssertEqual(
            ReplyClassifier.queuedError(
                error, quoted: Array(request.prefix(7)), destination: .v6(.loopback),
                identity: datagram), .ignored(.foreignQuote))
        XCTAssertEqual(
            ReplyClassifier.queuedError(
                error, quoted: request, destination: IPAddress("::2"),
                identity: datagram), .ignored(.foreignQuote))
    }
}
