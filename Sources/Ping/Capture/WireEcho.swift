import SocketCore

/// An ICMP echo request or reply as a capture saw it on the wire, parsed
/// by the C core's codec (the IP header, then the ICMP message with its
/// checksum verified; for ICMPv6 over the pseudo-header of RFC 8200
/// section 8.1).
public struct WireEcho: Sendable, Equatable {
    public var isReply: Bool
    public var identifier: UInt16
    public var sequence: UInt16
    /// The echo data after the 8-byte ICMP header.
    public var payload: [UInt8]
    public var checksumIsValid: Bool
    /// The IPv4 header checksum (always true for IPv6, which has none).
    public var headerChecksumIsValid: Bool
    /// A fragment of a larger datagram: its ICMP checksum and data cannot be
    /// checked without reassembly, which this does not do.
    public var isFragment: Bool
    public var source: IPAddress
    public var destination: IPAddress
    /// The capture's time stamp, in nanoseconds of the real-time clock.
    public var timestamp: Int64

    public init(
        isReply: Bool, identifier: UInt16, sequence: UInt16, payload: [UInt8], checksumIsValid: Bool,
        headerChecksumIsValid: Bool = true, isFragment: Bool = false,
        source: IPAddress, destination: IPAddress, timestamp: Int64
    ) {
        self.isReply = isReply
        self.identifier = identifier
        self.sequence = sequence
        self.payload = payload
        self.checksumIsValid = checksumIsValid
        self.headerChecksumIsValid = headerChecksumIsValid
        self.isFragment = isFragment
        self.source = source
        self.destination = destination
        self.timestamp = timestamp
    }

    /// The echo in a captured frame; nil when the frame holds no ICMP or
    /// ICMPv6 echo that parses.
    public static func parse(_ frame: UnsafeRawBufferPointer, link: LinkLayer, timestamp: Int64) -> WireEcho? {
        guard let (version, offset) = link.network(in: frame) else { return nil }
        let packet = UnsafeRawBufferPointer(rebasing: frame[offset...])
        switch version {
        case .v4:
            guard let (header, range) = try? IPv4Header.parse(packet), header.protocol == 1 else { return nil }
            let fragment = header.moreFragments || header.fragmentOffset != 0
            // A later fragment has no ICMP header to read.
            guard header.fragmentOffset == 0,
                let message = try? ICMPMessage.parseV4(Array(packet[range]))
            else { return nil }
            return echo(
                message, header: header.checksumIsValid, fragment: fragment,
                source: .v4(header.source), destination: .v4(header.destination), timestamp: timestamp)
        case .v6:
            // The capture filter passes only ICMPv6 right after the fixed
            // header (next header 58): no extension headers to walk.
            guard let (header, range) = try? IPv6Header.parse(packet), header.nextHeader == 58,
                let message = try? ICMPMessage.parseV6(
                    Array(packet[range]), source: header.source,
                    destination: header.destination)
            else { return nil }
            return echo(
                message, header: true, fragment: false,
                source: .v6(header.source), destination: .v6(header.destination), timestamp: timestamp)
        }
    }

    private static func echo(
        _ message: ICMPMessage, header: Bool, fragment: Bool, source: IPAddress,
        destination: IPAddress, timestamp: Int64
    ) -> WireEcho? {
        let isReply: Bool
        switch message.kind {
        case .echoRequest: isReply = false
        case .echoReply: isReply = true
        case .error, .other: return nil
        }
        return WireEcho(
            isReply: isReply, identifier: message.identifier, sequence: message.sequence,
            payload: message.body, checksumIsValid: message.checksumIsValid,
            headerChecksumIsValid: header, isFragment: fragment,
            source: source, destination: destination, timestamp: timestamp)
    }
}
