import Ping
import SocketCore

/// Echo packets and link-layer frames as a capture hands them over, built
/// with the C codec (IPv4, ICMP) or byte by byte (the IPv6 fixed header,
/// link headers), for the capture tests.
enum WireFrames {
    static let loopback4 = IPv4Address(127, 0, 0, 1)
    static let loopback6 = IPv6Address.loopback

    /// An IPv4 packet carrying an echo; `badChecksum` flips the ICMP checksum.
    static func ipv4Echo(
        reply: Bool, identifier: UInt16, sequence: UInt16, payload: [UInt8],
        source: IPv4Address = loopback4, destination: IPv4Address = loopback4,
        badChecksum: Bool = false, moreFragments: Bool = false
    ) throws -> [UInt8] {
        var icmp = try ICMPMessage.echo(.v4, reply: reply, identifier: identifier, sequence: sequence, payload: payload)
        if badChecksum { icmp[2] ^= 0xFF }
        var header = IPv4Header(
            totalLength: UInt16(20 + icmp.count), protocol: 1, source: source,
            destination: destination)
        header.moreFragments = moreFragments
        return try header.packed() + icmp
    }

    /// An IPv6 packet carrying an ICMPv6 echo with its checksum computed
    /// over the pseudo-header; `nextHeader` other than 58 puts a hop-by-hop
    /// header in front (8 bytes, padding only).
    static func ipv6Echo(
        reply: Bool, identifier: UInt16, sequence: UInt16, payload: [UInt8],
        source: IPv6Address = loopback6, destination: IPv6Address = loopback6,
        hopByHop: Bool = false
    ) throws -> [UInt8] {
        let icmp = try ICMPMessage.echo(
            .v6, reply: reply, identifier: identifier, sequence: sequence,
            payload: payload, source: source, destination: destination)
        let extensionHeader: [UInt8] = hopByHop ? [58, 0, 1, 4, 0, 0, 0, 0] : []
        let length = UInt16(extensionHeader.count + icmp.count)
        let header: [UInt8] = [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), hopByHop ? 0 : 58, 64]
        return header + source.bytes + destination.bytes + extensionHeader + icmp
    }

    /// An Ethernet frame (zero MAC addresses, as on loopback).
    static func ethernet(_ packet: [UInt8], etherType: UInt16, vlan: UInt16? = nil) -> [UInt8] {
        var frame = [UInt8](repeating: 0, count: 12)
        if let vlan { frame += [0x81, 0x00, UInt8(vlan >> 8), UInt8(vlan & 0xFF)] }
        return frame + [UInt8(etherType >> 8), UInt8(etherType & 0xFF)] + packet
    }

    static func ipv4EtherType() -> UInt16 { 0x0800 }
    static func ipv6EtherType() -> UInt16 { 0x86DD }

    static func parse(_ frame: [UInt8], link: LinkLayer, timestamp: Int64 = 0) -> WireEcho? {
        frame.withUnsafeBytes { WireEcho.parse($0, link: link, timestamp: timestamp) }
    }
}
