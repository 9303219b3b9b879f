import CSockCore

/// An IPv4 header (RFC 791), parsed from or packed into bytes by the C core.
public struct IPv4Header: Equatable, Sendable {
    /// Header length in bytes: 20 plus the options, 20...60.
    public var headerLength: Int { 20 + options.count }
    public var typeOfService: UInt8 = 0
    /// Header plus payload, in bytes.
    public var totalLength: UInt16
    public var identification: UInt16 = 0
    /// The DF flag (RFC 791 section 3.1, "Don't Fragment").
    public var dontFragment: Bool = false
    /// The MF flag ("More Fragments").
    public var moreFragments: Bool = false
    /// Fragment offset in 8-byte units.
    public var fragmentOffset: UInt16 = 0
    public var timeToLive: UInt8 = 64
    public var `protocol`: UInt8
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Option bytes, a multiple of 4, at most 40.
    public var options: [UInt8] = []
    /// The header checksum as parsed (big-endian number); computed on pack.
    public internal(set) var checksum: UInt16 = 0
    /// Whether the parsed header's checksum verified; true for a built one.
    public internal(set) var checksumIsValid: Bool = true

    public init(
        totalLength: UInt16, protocol number: UInt8, source: IPv4Address,
        destination: IPv4Address, timeToLive: UInt8 = 64
    ) {
        self.totalLength = totalLength
        self.protocol = number
        self.source = source
        self.destination = destination
        self.timeToLive = timeToLive
    }

    init(_ c: sc_ipv4) {
        typeOfService = c.tos
        totalLength = c.total_length
        identification = c.id
        dontFragment = c.fragment & UInt16(SC_IPV4_FLAG_DF) != 0
        moreFragments = c.fragment & UInt16(SC_IPV4_FLAG_MF) != 0
        fragmentOffset = c.fragment & UInt16(SC_IPV4_OFFSET_MASK)
        timeToLive = c.ttl
        `protocol` = c.protocol
        checksum = UInt16(bigEndian: c.checksum)
        checksumIsValid = c.checksum_valid
        source = withUnsafeBytes(of: c.src) { IPv4Address(bytes: $0) }
        destination = withUnsafeBytes(of: c.dst) { IPv4Address(bytes: $0) }
        let optionCount = Int(c.header_length) - 20
        options =
            optionCount > 0 && c.options != nil
            ? Array(UnsafeBufferPointer(start: c.options, count: optionCount)) : []
    }

    /// Parses the header at the start of `bytes`; returns it with the range
    /// of its payload (bytes past `totalLength`, such as link padding, are not
    /// part of it). Throws `PacketError` (`EBADMSG`) for a malformed header.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(PacketError)
        -> (header: IPv4Header, payload: Range<Int>)
    {
        var c = sc_ipv4()
        _ = try checkCore(sc_ipv4_parse(bytes.baseAddress, bytes.count, &c), "sc_ipv4_parse")
        let start = Int(c.header_length)
        return (IPv4Header(c), start..<start + c.payload_length)
    }

    public static func parse(_ bytes: [UInt8]) throws(PacketError)
        -> (header: IPv4Header, payload: Range<Int>)
    {
        try withBytes(bytes) { (raw) throws(PacketError) in try parse(raw) }
    }

    /// The header's bytes, checksum computed.
    public func packed() throws(PacketError) -> [UInt8] {
        var c = sc_ipv4()
        c.header_length = UInt8(clamping: headerLength)
        c.tos = typeOfService
        c.total_length = totalLength
        c.id = identification
        c.fragment =
            (dontFragment ? UInt16(SC_IPV4_FLAG_DF) : 0)
            | (moreFragments ? UInt16(SC_IPV4_FLAG_MF) : 0)
            | (fragmentOffset & UInt16(SC_IPV4_OFFSET_MASK))
        c.ttl = timeToLive
        c.protocol = `protocol`
        withUnsafeMutableBytes(of: &c.src) { $0.copyBytes(from: source.bytes) }
        withUnsafeMutableBytes(of: &c.dst) { $0.copyBytes(from: destination.bytes) }
        var out = [UInt8](repeating: 0, count: Int(SC_IPV4_HEADER_MAX))
        let result = options.withUnsafeBufferPointer { opts in
            c.options = options.isEmpty ? nil : opts.baseAddress
            return out.withUnsafeMutableBytes { sc_ipv4_pack($0.baseAddress, $0.count, &c) }
        }
        let written = try checkCore(result, "sc_ipv4_pack")
        return Array(out.prefix(written))
    }
}

/// Runs `body` over an array's bytes with a typed throw.
@inline(__always)
func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(PacketError) -> R)
    throws(PacketError) -> R
{
    let result: Result<R, PacketError> = bytes.withUnsafeBytes { raw in
        do throws(PacketError) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}
