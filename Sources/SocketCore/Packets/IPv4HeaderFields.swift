import CSockCore

/// What a receiver of ICMP over a raw IPv4 socket needs of the IP header,
/// parsed by the C core where the datagram lies, and where the payload is.
///
/// `IPv4Header.parse` builds the whole header, its options an array, and
/// returns it in a tuple with the payload's range: per datagram an
/// allocation to free and, the first time, the tuple's type metadata to
/// instantiate at run time. This holds only numbers. The same checks
/// apply (the C core's), so a header is malformed for both or for neither.
public struct IPv4HeaderFields: Equatable, Sendable {
    public let source: IPv4Address
    public let destination: IPv4Address
    public let timeToLive: UInt8
    public let `protocol`: UInt8
    /// Whether the header checksum verified.
    public let checksumIsValid: Bool
    /// The payload: `payloadCount` bytes from `payloadOffset` (the header
    /// length, options included). Bytes past the total length, such as
    /// link padding, are not part of it.
    public let payloadOffset: Int
    public let payloadCount: Int

    /// Reads the header at the start of `bytes`. Throws `PacketError`
    /// (`EBADMSG`) where `IPv4Header.parse` does.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(PacketError) -> IPv4HeaderFields {
        var c = sc_ipv4()
        _ = try checkCore(sc_ipv4_parse(bytes.baseAddress, bytes.count, &c), "sc_ipv4_parse")
        return IPv4HeaderFields(c)
    }

    init(_ c: sc_ipv4) {
        // The addresses are 4 network-order bytes each.
        let source = withUnsafeBytes(of: c.src) { $0.loadUnaligned(as: UInt32.self) }
        let destination = withUnsafeBytes(of: c.dst) { $0.loadUnaligned(as: UInt32.self) }
        self.source = IPv4Address(rawValue: UInt32(bigEndian: source))
        self.destination = IPv4Address(rawValue: UInt32(bigEndian: destination))
        timeToLive = c.ttl
        `protocol` = c.protocol
        checksumIsValid = c.checksum_valid
        payloadOffset = Int(c.header_length)
        payloadCount = c.payload_length
    }

    /// The payload's bytes within `bytes`, the buffer that was parsed.
    public func payload(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[payloadOffset..<payloadOffset + payloadCount])
    }
}
