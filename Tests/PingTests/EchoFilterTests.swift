import CPcap
import Ping
import SocketCore
import XCTest

/// The capture filter, compiled by libpcap for an Ethernet link (what
/// Linux gives loopback) and run over frames: ours pass, no one else's.
final class EchoFilterTests: XCTestCase {
    private let payload = Array(UInt8(0)..<56)

    /// Whether the compiled `filter` passes `frame`.
    private func passes(_ filter: String, _ frame: [UInt8], file: StaticString = #filePath, line: UInt = #line)
        throws -> Bool
    {
        let pcap = try XCTUnwrap(pcap_open_dead(DLT_EN10MB, 262_144))
        defer { pcap_close(pcap) }
        var program = bpf_program()
        guard pcap_compile(pcap, &program, filter, 1, UInt32.max) == 0 else {
            XCTFail("\(filter): \(String(cString: pcap_geterr(pcap)))", file: file, line: line)
            return false
        }
        defer { pcap_freecode(&program) }
        var header = pcap_pkthdr()
        header.caplen = UInt32(frame.count)
        header.len = UInt32(frame.count)
        return frame.withUnsafeBufferPointer { pcap_offline_filter(&program, &header, $0.baseAddress) != 0 }
    }

    func testIPv4Text() {
        XCTAssertEqual(
            EchoFilter.expression(version: .v4, identifier: 4660, target: .v4(WireFrames.loopback4)),
            "icmp and icmp[4:2] == 4660 and (icmp[0] == 8 or icmp[0] == 0) and host 127.0.0.1")
    }

    func testIPv4PassesOurRequestsAndRepliesOnly() throws {
        let filter = EchoFilter.expression(version: .v4, identifier: 0x1234, target: .v4(WireFrames.loopback4))
        func frame(_ packet: [UInt8]) -> [UInt8] { WireFrames.ethernet(packet, etherType: 0x0800) }
        for reply in [false, true] {
            XCTAssertTrue(
                try passes(
                    filter,
                    frame(
                        WireFrames.ipv4Echo(
                            reply: reply, identifier: 0x1234, sequence: 1,
                            payload: payload))))
            XCTAssertFalse(
                try passes(
                    filter,
                    frame(
                        WireFrames.ipv4Echo(
                            reply: reply, identifier: 0x1235, sequence: 1,
                            payload: payload))))
        }
        let elsewhere = IPv4Address(127, 0, 0, 9)
        XCTAssertFalse(
            try passes(
                filter,
                frame(
                    WireFrames.ipv4Echo(
                        reply: false, identifier: 0x1234, sequence: 1,
                        payload: payload, source: elsewhere,
                        destination: elsewhere))))
        // An error whose bytes 4..5 happen to hold our identifier.
        let quoted = try WireFrames.ipv4Echo(reply: false, identifier: 0x1234, sequence: 1, payload: payload)
        let error = try ICMPMessage.errorV4(type: 3, code: 1, restOfHeader: 0x1234_0000, quoting: quoted)
        let packet =
            try IPv4Header(
                totalLength: UInt16(20 + error.count), protocol: 1, source: WireFrames.loopback4,
                destination: WireFrames.loopback4
            ).packed() + error
        XCTAssertFalse(try passes(filter, frame(packet)))
    }

    /// Several hosts: one clause each, grouped, joined by `or`; one host's
    /// identifier with another host's address passes neither clause.
    func testSeveralHostsPassEachOwnEchoesOnly() throws {
        let other = IPv4Address(127, 0, 0, 2)
        let hosts = [
            CapturedHost(identifier: 0x1234, address: .v4(WireFrames.loopback4)),
            CapturedHost(identifier: 0x1235, address: .v4(other)),
            CapturedHost(identifier: 0xABCD, address: .v6(.loopback)),
        ]
        let filter = EchoFilter.expression(for: hosts)
        XCTAssertEqual(
            filter,
            hosts.map {
                "(" + EchoFilter.expression(version: $0.version, identifier: $0.identifier, target: $0.address) + ")"
            }.joined(separator: " or "))
        XCTAssertEqual(
            EchoFilter.expression(for: [hosts[0]]),
            EchoFilter.expression(version: .v4, identifier: 0x1234, target: .v4(WireFrames.loopback4)))
        func v4(_ identifier: UInt16, _ address: IPv4Address, reply: Bool) throws -> [UInt8] {
            WireFrames.ethernet(
                try WireFrames.ipv4Echo(
                    reply: reply, identifier: identifier, sequence: 1,
                    payload: payload, source: address, destination: address),
                etherType: 0x0800)
        }
        func v6(_ identifier: UInt16, reply: Bool) throws -> [UInt8] {
            WireFrames.ethernet(
                try WireFrames.ipv6Echo(
                    reply: reply, identifier: identifier, sequence: 1,
                    payload: payload), etherType: 0x86DD)
        }
        for reply in [false, true] {
            XCTAssertTrue(try passes(filter, try v4(0x1234, WireFrames.loopback4, reply: reply)))
            XCTAssertTrue(try passes(filter, try v4(0x1235, other, reply: reply)))
            XCTAssertTrue(try passes(filter, try v6(0xABCD, reply: reply)))
            XCTAssertFalse(try passes(filter, try v4(0x1235, WireFrames.loopback4, reply: reply)))
            XCTAssertFalse(try passes(filter, try v4(0x1234, other, reply: reply)))
            XCTAssertFalse(try passes(filter, try v4(0xABCD, WireFrames.loopback4, reply: reply)))
            XCTAssertFalse(try passes(filter, try v6(0x1234, reply: reply)))
        }
    }

    func testIPv4WithOptionsIsStillOurs() throws {
        let icmp = try ICMPMessage.echo(.v4, identifier: 0x1234, sequence: 1, payload: payload)
        var header = IPv4Header(
            totalLength: UInt16(24 + icmp.count), protocol: 1, source: WireFrames.loopback4,
            destination: WireFrames.loopback4)
        header.options = [1, 1, 1, 0]  // no-ops and end of list
        let filter = EchoFilter.expression(version: .v4, identifier: 0x1234, target: .v4(WireFrames.loopback4))
        XCTAssertTrue(try passes(filter, WireFrames.ethernet(try header.packed() + icmp, etherType: 0x0800)))
    }

    func testIPv6PassesOurRequestsAndRepliesOnly() throws {
        let filter = EchoFilter.expression(version: .v6, identifier: 0xABCD, target: .v6(.loopback))
        func frame(_ packet: [UInt8]) -> [UInt8] { WireFrames.ethernet(packet, etherType: 0x86DD) }
        for reply in [false, true] {
            XCTAssertTrue(
                try passes(
                    filter,
                    frame(
                        WireFrames.ipv6Echo(
                            reply: reply, identifier: 0xABCD, sequence: 2,
                            payload: payload))))
            XCTAssertFalse(
                try passes(
                    filter,
                    frame(
                        WireFrames.ipv6Echo(
                            reply: reply, identifier: 0xABCE, sequence: 2,
                            payload: payload))))
        }
        // An IPv4 echo with our identifier is not an ICMPv6 one.
        XCTAssertFalse(
            try passes(
                filter,
                WireFrames.ethernet(
                    WireFrames.ipv4Echo(reply: false, identifier: 0xABCD, sequence: 2, payload: payload),
                    etherType: 0x0800)))
    }
}
