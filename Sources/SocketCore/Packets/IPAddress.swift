import Glibc

/// An IPv4 address. `rawValue` is the address as a host-order number, so
/// `IPv4Address(rawValue: 0x7f00_0001)` is 127.0.0.1.
public struct IPv4Address: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad text (`inet_pton` rules: exactly four decimal parts).
    public init?(_ text: String) {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        rawValue = UInt32(bigEndian: address.s_addr)
    }

    /// The four bytes in network order, as they appear on the wire.
    public var bytes: [UInt8] {
        [
            UInt8(rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
            UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue),
        ]
    }

    /// Reads four network-order bytes.
    public init<Bytes: Collection<UInt8>>(bytes: Bytes) {
        precondition(bytes.count == 4, "an IPv4 address has 4 bytes")
        rawValue = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var description: String {
        // Interpolated rather than mapped and joined: joined(separator:)
        // looks up its collection's associated types at run time on first
        // use, a cost that every one-probe icmpping run would pay at start.
        "\(rawValue >> 24).\(rawValue >> 16 & 0xFF).\(rawValue >> 8 & 0xFF).\(rawValue & 0xFF)"
    }
}

/// An IPv6 address, kept as its 16 network-order bytes.
///
/// The bytes are held inline, as two numbers, not in an array: an address
/// is then a plain value, made without allocating and copied without
/// reference counting, like an IPv4 one; a flood from ::1 reads one from
/// every reply.
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0...7 and 8...15, each read as a big-endian number.
    private let high: UInt64
    private let low: UInt64

    /// The 16 bytes in network order.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public init<Bytes: Collection<UInt8>>(bytes: Bytes) {
        precondition(bytes.count == 16, "an IPv6 address has 16 bytes")
        var numbers: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &numbers) { $0.copyBytes(from: bytes) }
        self.init(networkOrder: numbers)
    }

    /// Parses RFC 4291 text (`inet_pton` rules), e.g. `::1` or `fe80::1`.
    public init?(_ text: String) {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        self.init(address)
    }

    /// The address in a C `struct in6_addr`.
    init(_ address: in6_addr) {
        self.init(networkOrder: unsafeBitCast(address, to: (UInt64, UInt64).self))
    }

    /// The 16 bytes as they lie in memory, read as two native numbers.
    private init(networkOrder numbers: (UInt64, UInt64)) {
        high = UInt64(bigEndian: numbers.0)
        low = UInt64(bigEndian: numbers.1)
    }

    /// Lends the 16 network-order bytes to `body`, without making an array.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let numbers = (high.bigEndian, low.bigEndian)
        return try Swift.withUnsafeBytes(of: numbers, body)
    }

    public static let loopback = IPv6Address(bytes: [UInt8](repeating: 0, count: 15) + [1])

    /// RFC 5952 canonical text, as `inet_ntop` writes it.
    public var description: String {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else {
            return bytes.map { String($0, radix: 16) }.joined(separator: ":")
        }
        return String(nulTerminated: text)
    }
}

/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses either form of address text.
    public init?(_ text: String) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let address): address.bytes
        case .v6(let address): address.bytes
        }
    }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }
}
