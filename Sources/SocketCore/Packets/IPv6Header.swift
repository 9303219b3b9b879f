import CSockCore

/// The fixed IPv6 header (RFC 8200 section 3). Extension headers are not
/// walked: the payload starts right after the 40 fixed bytes.
public struct IPv6Header: Equatable, Sendable {
    public var trafficClass: UInt8
    public var flowLabel: UInt32
    /// What the header claims follows it, in bytes.
    public var payloadLength: UInt16
    public var nextHeader: UInt8
    public var hopLimit: UInt8
    public var source: IPv6Address
    public var destination: IPv6Address

    init(_ c: sc_ipv6) {
        trafficClass = c.traffic_class
        flowLabel = c.flow_label
        payloadLength = c.payload_length
        nextHeader = c.next_header
        hopLimit = c.hop_limit
        source = withUnsafeBytes(of: c.src) { IPv6Address(bytes: $0) }
        destination = withUnsafeBytes(of: c.dst) { IPv6Address(bytes: $0) }
    }

    /// Parses the fixed header; the payload range covers what is present of
    /// `payloadLength` (ICMPv6 errors quote truncated packets).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(PacketError)
        -> (header: IPv6Header, payload: Range<Int>)
    {
        var c = sc_ipv6()
        _ = try checkCore(sc_ipv6_parse(bytes.baseAddress, bytes.count, &c), "sc_ipv6_parse")
        let start = Int(SC_IPV6_HEADER_LENGTH)
        return (IPv6Header(c), start..<start + c.payload_length_present)
    }

    public static func parse(_ bytes: [UInt8]) throws(PacketError)
        -> (header: IPv6Header, payload: Range<Int>)
    {
        try withBytes(bytes) { (raw) throws(PacketError) in try parse(raw) }
    }
}
