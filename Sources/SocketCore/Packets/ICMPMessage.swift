import CSockCore

/// ICMP for IPv4 (RFC 792) or ICMPv6 (RFC 4443).
public enum ICMPVersion: Sendable, Equatable {
    case v4, v6
}

/// An ICMP or ICMPv6 message as the C core parses it.
public struct ICMPMessage: Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case echoRequest, echoReply
        /// An error that quotes the datagram that caused it (see `quote`).
        case error
        /// Any other type: header fields only.
        case other
    }

    public let version: ICMPVersion
    public let type: UInt8
    public let code: UInt8
    public let kind: Kind
    /// The checksum field as a big-endian number.
    public let checksum: UInt16
    /// Whether the checksum verified. For ICMPv6 it is only checked when the
    /// addresses of the carrying IPv6 header were given to `parse`.
    public let checksumIsValid: Bool
    /// Echo identifier and sequence number (echo kinds only).
    public let identifier: UInt16
    public let sequence: UInt16
    /// Bytes 4...7 of the header as one number (gateway, pointer, MTU...).
    public let restOfHeader: UInt32
    /// The echo payload, or the quoted datagram of an error.
    public let body: [UInt8]
    /// What an error quotes of the datagram that caused it.
    public let quote: ICMPQuote?

    /// The next-hop MTU of "fragmentation needed" (v4 type 3 code 4) or
    /// "packet too big" (v6 type 2).
    public var mtu: UInt32? {
        switch (version, type, code) {
        case (.v4, UInt8(SC_ICMP_DEST_UNREACH), UInt8(SC_ICMP_UNREACH_NEEDFRAG)): restOfHeader & 0xffff
        case (.v6, UInt8(SC_ICMP6_PACKET_TOO_BIG), _): restOfHeader
        default: nil
        }
    }

    /// The offending octet of a parameter problem.
    public var pointer: UInt32? {
        switch (version, type) {
        case (.v4, UInt8(SC_ICMP_PARAMETER_PROBLEM)): restOfHeader >> 24
        case (.v6, UInt8(SC_ICMP6_PARAMETER_PROBLEM)): restOfHeader
        default: nil
        }
    }

    /// The gateway a redirect names.
    public var gateway: IPv4Address? {
        version == .v4 && type == UInt8(SC_ICMP_REDIRECT) ? IPv4Address(rawValue: restOfHeader) : nil
    }

    init(_ c: sc_icmp, version: ICMPVersion) {
        self.version = version
        type = c.type
        code = c.code
        kind = Kind(c.kind)
        checksum = UInt16(bigEndian: c.checksum)
        checksumIsValid = c.checksum_valid
        identifier = c.id
        sequence = c.sequence
        restOfHeader = c.rest
        body = c.body_length > 0 ? Array(UnsafeBufferPointer(start: c.body, count: c.body_length)) : []
        quote = c.kind == SC_ICMP_KIND_ERROR ? ICMPQuote(c.quote) : nil
    }

    /// Parses an ICMPv4 message (the IP payload). Throws `PacketError`
    /// (`EBADMSG`) when it is shorter than 8 bytes, or when an error's quote
    /// is too short to hold an IPv4 header and 8 bytes more.
    public static func parseV4(_ bytes: [UInt8]) throws(PacketError) -> ICMPMessage {
        try withBytes(bytes) { (raw) throws(PacketError) in try parseV4(raw) }
    }

    /// `parseV4` of bytes in a buffer of the caller's (no copy but the body's).
    public static func parseV4(_ bytes: UnsafeRawBufferPointer) throws(PacketError) -> ICMPMessage {
        var c = sc_icmp()
        _ = try checkCore(sc_icmp4_parse(bytes.baseAddress, bytes.count, &c), "sc_icmp4_parse")
        return ICMPMessage(c, version: .v4)
    }

    /// Parses an ICMPv6 message, verifying its checksum when the addresses
    /// of the carrying IPv6 header are given.
    public static func parseV6(
        _ bytes: [UInt8], source: IPv6Address? = nil,
        destination: IPv6Address? = nil
    ) throws(PacketError) -> ICMPMessage {
        try withBytes(bytes) { (raw) throws(PacketError) in try parseV6(raw, source: source, destination: destination) }
    }

    /// `parseV6` of bytes in a buffer of the caller's (no copy but the body's).
    public static func parseV6(
        _ bytes: UnsafeRawBufferPointer, source: IPv6Address? = nil,
        destination: IPv6Address? = nil
    ) throws(PacketError) -> ICMPMessage {
        var c = sc_icmp()
        let result: Int32
        if let source, let destination {
            result = sc_icmp6_parse(bytes.baseAddress, bytes.count, source.bytes, destination.bytes, &c)
        } else {
            result = sc_icmp6_parse(bytes.baseAddress, bytes.count, nil, nil, &c)
        }
        _ = try checkCore(result, "sc_icmp6_parse")
        return ICMPMessage(c, version: .v6)
    }

    /// An echo request or reply with its checksum computed. For ICMPv6 the
    /// checksum needs both addresses; without them it is left 0 for the
    /// kernel of a raw ICMPv6 socket to fill in (RFC 3542 section 3.1).
    public static func echo(
        _ version: ICMPVersion, reply: Bool = false, identifier: UInt16,
        sequence: UInt16, payload: [UInt8],
        source: IPv6Address? = nil, destination: IPv6Address? = nil
    )
        throws(PacketError) -> [UInt8]
    {
        var out = [UInt8](repeating: 0, count: Int(SC_ICMP_HEADER_LENGTH) + payload.count)
        let written = out.withUnsafeMutableBytes { raw in
            payload.withUnsafeBytes { payloadBytes in
                Result { () throws(PacketError) in
                    try packEcho(
                        version, reply: reply, identifier: identifier, sequence: sequence,
                        payload: payloadBytes, into: raw, source: source, destination: destination)
                }
            }
        }
        return Array(out.prefix(try written.get()))
    }

    /// `echo` into a buffer of the caller's (a flood sends tens of thousands
    /// of requests): returns the bytes written, 8 + the payload's.
    public static func packEcho(
        _ version: ICMPVersion, reply: Bool = false, identifier: UInt16,
        sequence: UInt16, payload: UnsafeRawBufferPointer,
        into buffer: UnsafeMutableRawBufferPointer,
        source: IPv6Address? = nil, destination: IPv6Address? = nil
    )
        throws(PacketError) -> Int
    {
        let result: Int32
        switch version {
        case .v4:
            let type = UInt8(reply ? SC_ICMP_ECHO_REPLY : SC_ICMP_ECHO_REQUEST)
            result = sc_icmp4_echo_pack(
                buffer.baseAddress, buffer.count, type, identifier, sequence,
                payload.baseAddress, payload.count)
        case .v6:
            let type = UInt8(reply ? SC_ICMP6_ECHO_REPLY : SC_ICMP6_ECHO_REQUEST)
            if let source, let destination {
                result = sc_icmp6_echo_pack(
                    buffer.baseAddress, buffer.count, type, identifier, sequence,
                    payload.baseAddress, payload.count, source.bytes, destination.bytes)
            } else {
                result = sc_icmp6_echo_pack(
                    buffer.baseAddress, buffer.count, type, identifier, sequence,
                    payload.baseAddress, payload.count, nil, nil)
            }
        }
        return try checkCore(result, "sc_icmp_echo_pack")
    }

    /// An ICMPv4 error of `type` and `code` quoting `original` (its IP header
    /// and at least 8 bytes more), checksum computed.
    public static func errorV4(
        type: UInt8, code: UInt8, restOfHeader: UInt32 = 0,
        quoting original: [UInt8]
    ) throws(PacketError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SC_ICMP_HEADER_LENGTH) + original.count)
        let result = out.withUnsafeMutableBytes {
            sc_icmp4_error_pack($0.baseAddress, $0.count, type, code, restOfHeader, original, original.count)
        }
        let written = try checkCore(result, "sc_icmp4_error_pack")
        return Array(out.prefix(written))
    }
}

/// What an ICMP error quotes of the datagram that caused it.
public struct ICMPQuote: Equatable, Sendable {
    /// The quoted IP header's addresses and protocol.
    public let source: IPAddress
    public let destination: IPAddress
    public let `protocol`: UInt8
    /// The quoted IPv4 header, when the quote is of IPv4.
    public let ipv4: IPv4Header?
    /// The quoted IPv6 header, when the quote is of IPv6.
    public let ipv6: IPv6Header?
    /// Quoted bytes after the IP header.
    public let transportLength: Int
    /// The quoted ICMP header, when the original was ICMP (our echo request).
    public let icmp: (type: UInt8, code: UInt8, identifier: UInt16, sequence: UInt16)?
    /// The quoted UDP ports, when the original was UDP.
    public let udp: (sourcePort: UInt16, destinationPort: UInt16)?

    init(_ c: sc_icmp_quote) {
        if c.ip_version == 6 {
            let header = IPv6Header(c.ipv6)
            ipv6 = header
            ipv4 = nil
            source = .v6(header.source)
            destination = .v6(header.destination)
        } else {
            let header = IPv4Header(c.ipv4)
            ipv4 = header
            ipv6 = nil
            source = .v4(header.source)
            destination = .v4(header.destination)
        }
        `protocol` = c.protocol
        transportLength = c.transport_length
        icmp = c.has_icmp ? (c.icmp_type, c.icmp_code, c.icmp_id, c.icmp_sequence) : nil
        udp = c.has_udp ? (c.udp_source_port, c.udp_destination_port) : nil
    }

    public static func == (a: ICMPQuote, b: ICMPQuote) -> Bool {
        a.source == b.source && a.destination == b.destination && a.protocol == b.protocol
            && a.ipv4 == b.ipv4 && a.ipv6 == b.ipv6 && a.transportLength == b.transportLength
            && a.icmp?.type == b.icmp?.type && a.icmp?.code == b.icmp?.code
            && a.icmp?.identifier == b.icmp?.identifier && a.icmp?.sequence == b.icmp?.sequence
            && a.udp?.sourcePort == b.udp?.sourcePort && a.udp?.destinationPort == b.udp?.destinationPort
    }
}
