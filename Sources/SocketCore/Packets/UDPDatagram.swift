import CSockCore

/// A UDP datagram (RFC 768): header fields and payload.
public struct UDPDatagram: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var payload: [UInt8]
    /// The checksum as parsed (big-endian number); 0 over IPv4 means "none".
    public internal(set) var checksum: UInt16 = 0

    public init(sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8]) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.payload = payload
    }

    /// Header plus payload, in bytes.
    public var length: Int { Int(SC_UDP_HEADER_LENGTH) + payload.count }

    /// Parses a datagram; bytes past its length field are ignored. The
    /// checksum needs the IP addresses: see `verifies(_:source:destination:)`.
    public static func parse(_ bytes: [UInt8]) throws(PacketError) -> UDPDatagram {
        try withBytes(bytes) { (raw) throws(PacketError) in
            var c = sc_udp()
            _ = try checkCore(sc_udp_parse(raw.baseAddress, raw.count, &c), "sc_udp_parse")
            var datagram = UDPDatagram(
                sourcePort: c.source_port, destinationPort: c.destination_port,
                payload: c.payload_length > 0
                    ? Array(UnsafeBufferPointer(start: c.payload, count: c.payload_length)) : [])
            datagram.checksum = UInt16(bigEndian: c.checksum)
            return datagram
        }
    }

    /// The datagram's bytes with its checksum over the IPv4 pseudo-header.
    public func packed(source: IPv4Address, destination: IPv4Address) throws(PacketError) -> [UInt8] {
        try pack { buf, cap in
            sc_udp_pack4(
                buf, cap, source.bytes, destination.bytes, sourcePort, destinationPort,
                payload, payload.count)
        }
    }

    /// The datagram's bytes with its checksum over the IPv6 pseudo-header.
    public func packed(source: IPv6Address, destination: IPv6Address) throws(PacketError) -> [UInt8] {
        try pack { buf, cap in
            sc_udp_pack6(
                buf, cap, source.bytes, destination.bytes, sourcePort, destinationPort,
                payload, payload.count)
        }
    }

    private func pack(_ call: (UnsafeMutableRawPointer?, Int) -> Int32) throws(PacketError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let result = out.withUnsafeMutableBytes { call($0.baseAddress, $0.count) }
        let written = try checkCore(result, "sc_udp_pack")
        return Array(out.prefix(written))
    }

    /// Whether a received datagram's checksum verifies over IPv4 (a zero
    /// checksum, "none sent", is accepted as RFC 768 allows).
    public static func verifies(_ bytes: [UInt8], source: IPv4Address, destination: IPv4Address) -> Bool {
        sc_udp_verify4(bytes, bytes.count, source.bytes, destination.bytes) == 0
    }

    /// Whether a received datagram's checksum verifies over IPv6 (where a zero
    /// checksum is invalid, RFC 8200 section 8.1).
    public static func verifies(_ bytes: [UInt8], source: IPv6Address, destination: IPv6Address) -> Bool {
        sc_udp_verify6(bytes, bytes.count, source.bytes, destination.bytes) == 0
    }
}
