/// The byte-order conversions of the socket module: `htons`, `htonl`, `ntohs`
/// and `ntohl`. Network order is big-endian (RFC 1700, "Data Notations").
extension Resolver {
    /// The order this machine keeps multi-byte numbers in.
    public enum ByteOrder: String, Hashable, Sendable {
        case littleEndian = "little-endian"
        case bigEndian = "big-endian"
    }

    public static var hostByteOrder: ByteOrder {
        UInt16(1).littleEndian == 1 ? .littleEndian : .bigEndian
    }

    /// `htons`: a 16-bit host-order number as the network-order number with the same bytes on the wire.
    public static func hostToNetwork(_ value: UInt16) -> UInt16 { value.bigEndian }
    /// `htonl`.
    public static func hostToNetwork(_ value: UInt32) -> UInt32 { value.bigEndian }
    /// `ntohs`.
    public static func networkToHost(_ value: UInt16) -> UInt16 { UInt16(bigEndian: value) }
    /// `ntohl`.
    public static func networkToHost(_ value: UInt32) -> UInt32 { UInt32(bigEndian: value) }
}
