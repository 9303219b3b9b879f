import CSockCore

/// The fixed 8-byte header of an ICMP or ICMPv6 message, parsed by the C
/// core where the message lies, and the length of what follows it.
///
/// `ICMPMessage` copies the body into an array and decodes an error's
/// quote; a receiver that sees tens of thousands of echo replies a second
/// needs neither to decide whose reply it is: this holds no array and
/// nothing to release, so making and dropping one costs a few stores.
/// The same checks as `ICMPMessage`'s parse apply (the C core's), so a
/// message is malformed for both or for neither.
public struct ICMPHeader: Equatable, Sendable {
    public let version: ICMPVersion
    public let type: UInt8
    public let code: UInt8
    public let kind: ICMPMessage.Kind
    /// Whether the checksum verified. For ICMPv6 it is never checked here
    /// (it needs the carrying header's addresses): always false.
    public let checksumIsValid: Bool
    /// Echo identifier and sequence number (echo kinds only).
    public let identifier: UInt16
    public let sequence: UInt16
    /// Bytes 4...7 as one number (gateway, pointer, MTU...).
    public let restOfHeader: UInt32
    /// Bytes after the header: the echo data, or an error's quote. They
    /// start at `ICMPHeader.length` in the bytes parsed.
    public let bodyCount: Int

    /// Bytes of the fixed header: the body starts here.
    public static let length = Int(SC_ICMP_HEADER_LENGTH)

    /// Reads the parsed fields in place: the C struct, an error's quote
    /// and all, is some 250 bytes, too much to copy for every datagram of
    /// a flood.
    init(_ c: UnsafePointer<sc_icmp>, version: ICMPVersion) {
        self.version = version
        type = c.pointee.type
        code = c.pointee.code
        kind = ICMPMessage.Kind(c.pointee.kind)
        checksumIsValid = c.pointee.checksum_valid
        identifier = c.pointee.id
        sequence = c.pointee.sequence
        restOfHeader = c.pointee.rest
        bodyCount = c.pointee.body_length
    }

    /// Reads an ICMPv4 message (the IP payload) in place. Throws
    /// `PacketError` (`EBADMSG`) where `ICMPMessage.parseV4` does: fewer
    /// than 8 bytes, or an error whose quote is too short.
    public static func parseV4(_ bytes: UnsafeRawBufferPointer) throws(PacketError) -> ICMPHeader {
        try parse(.v4) { sc_icmp4_parse(bytes.baseAddress, bytes.count, $0) }
    }

    /// Reads an ICMPv6 message in place, without its checksum (what a
    /// socket hands over has been verified by the kernel: RFC 3542
    /// section 3.1). Throws where `ICMPMessage.parseV6` does.
    public static func parseV6(_ bytes: UnsafeRawBufferPointer) throws(PacketError) -> ICMPHeader {
        try parse(.v6) { sc_icmp6_parse(bytes.baseAddress, bytes.count, nil, nil, $0) }
    }

    /// Runs a C parser into room on the stack, left uninitialized: the
    /// parser writes all of it on success, and nothing is read otherwise.
    private static func parse(_ version: ICMPVersion, _ parser: (UnsafeMutablePointer<sc_icmp>) -> Int32)
        throws(PacketError) -> ICMPHeader
    {
        try withUnsafeTemporaryAllocation(of: sc_icmp.self, capacity: 1) { c throws(PacketError) in
            let room = c.baseAddress!
            _ = try checkCore(parser(room), version == .v4 ? "sc_icmp4_parse" : "sc_icmp6_parse")
            return ICMPHeader(room, version: version)
        }
    }
}

extension ICMPMessage.Kind {
    init(_ kind: sc_icmp_kind) {
        self =
            switch kind {
            case SC_ICMP_KIND_ECHO_REQUEST: .echoRequest
            case SC_ICMP_KIND_ECHO_REPLY: .echoReply
            case SC_ICMP_KIND_ERROR: .error
            default: .other
            }
    }
}
