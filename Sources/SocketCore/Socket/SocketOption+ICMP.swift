import Glibc

// Options an ICMP echo client needs: hop limits, receive-side ancillary
// data, the kernel's ICMP type filters, the error queue, and the device.

extension SocketOption where Value == Int32 {
    /// The TTL of unicast IPv4 packets sent (1...255). The corresponding C
    /// constant is `IP_TTL` (ip(7)).
    public static var timeToLive: Self { .integer(level: Int32(IPPROTO_IP), name: IP_TTL, description: "IP_TTL") }

    /// The hop limit of unicast IPv6 packets sent (1...255, or -1 for the
    /// route's default). The corresponding C constant is `IPV6_UNICAST_HOPS`
    /// (ipv6(7)).
    public static var unicastHops: Self {
        .integer(level: Int32(IPPROTO_IPV6), name: IPV6_UNICAST_HOPS, description: "IPV6_UNICAST_HOPS")
    }
}

extension SocketOption where Value == Bool {
    /// Every received datagram carries the kernel's receive time
    /// (`SCM_TIMESTAMPNS`, a `timespec` of `CLOCK_REALTIME`). The
    /// corresponding C constant is `SO_TIMESTAMPNS` (socket(7)).
    public static var receiveTimestamps: Self {
        .flag(level: SOL_SOCKET, name: SO_TIMESTAMPNS, description: "SO_TIMESTAMPNS")
    }

    /// Every received IPv4 datagram carries its TTL (`IP_TTL` control
    /// message); a datagram ICMP socket sees no IP header otherwise. The
    /// corresponding C constant is `IP_RECVTTL` (ip(7)).
    public static var receiveTimeToLive: Self {
        .flag(level: Int32(IPPROTO_IP), name: IP_RECVTTL, description: "IP_RECVTTL")
    }

    /// Every received IPv6 datagram carries its hop limit (`IPV6_HOPLIMIT`
    /// control message; RFC 3542 section 6.3). The corresponding C constant
    /// is `IPV6_RECVHOPLIMIT`.
    public static var receiveHopLimit: Self {
        .flag(level: Int32(IPPROTO_IPV6), name: IPV6_RECVHOPLIMIT, description: "IPV6_RECVHOPLIMIT")
    }

    /// ICMP errors about datagrams this socket sent are queued on its error
    /// queue (read with `receiveError`) instead of being dropped or turned
    /// into a bare errno. The corresponding C constant is `IP_RECVERR` (ip(7)).
    public static var receiveErrorsIPv4: Self {
        .flag(level: Int32(IPPROTO_IP), name: IP_RECVERR, description: "IP_RECVERR")
    }

    /// `receiveErrorsIPv4` for IPv6. The corresponding C constant is
    /// `IPV6_RECVERR` (ipv6(7)).
    public static var receiveErrorsIPv6: Self {
        .flag(level: Int32(IPPROTO_IPV6), name: IPV6_RECVERR, description: "IPV6_RECVERR")
    }
}

/// The ICMP types a raw socket lets through, by type number.
public struct ICMPTypeFilter: Sendable, Equatable {
    /// Bit n set: type n passes.
    public var passing: [UInt32]

    /// A filter that blocks everything.
    public init(wordCount: Int) { passing = Array(repeating: 0, count: wordCount) }

    public mutating func pass(_ type: UInt8) {
        passing[Int(type) / 32] |= 1 << (UInt32(type) % 32)
    }

    public func passes(_ type: UInt8) -> Bool {
        Int(type) / 32 < passing.count && passing[Int(type) / 32] & (1 << (UInt32(type) % 32)) != 0
    }
}

extension SocketOption where Value == ICMPTypeFilter {
    /// The types a raw IPv4 ICMP socket receives (types 0...31). The kernel's
    /// mask is the opposite: a set bit blocks the type (linux/icmp.h,
    /// raw(7)), so it is inverted here. The corresponding C constant is
    /// `ICMP_FILTER` (1, at level `SOL_RAW`; the header is not imported).
    public static var icmpFilter: Self {
        SocketOption(
            level: SOL_RAW, name: 1, description: "ICMP_FILTER",
            encode: { filter in withUnsafeBytes(of: ~(filter.passing.first ?? 0)) { Array($0) } },
            decode: { bytes in
                var filter = ICMPTypeFilter(wordCount: 1)
                filter.passing[0] = ~bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
                return filter
            },
            size: 4)
    }

    /// The types a raw ICMPv6 socket receives (all 256). Like the kernel's
    /// `struct icmp6_filter`, a set bit blocks (RFC 3542 section 3.2 keeps
    /// the representation private; Linux blocks with set bits). The
    /// corresponding C constant is `ICMP6_FILTER` (1, at `IPPROTO_ICMPV6`).
    public static var icmpv6Filter: Self {
        SocketOption(
            level: Int32(IPPROTO_ICMPV6), name: 1, description: "ICMP6_FILTER",
            encode: { filter in
                let words = (0..<8).map { index in
                    ~(index < filter.passing.count ? filter.passing[index] : 0)
                }
                return words.withUnsafeBytes { Array($0) }
            },
            decode: { bytes in
                var filter = ICMPTypeFilter(wordCount: 8)
                bytes.withUnsafeBytes { raw in
                    for index in 0..<8 {
                        filter.passing[index] = ~raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                    }
                }
                return filter
            },
            size: 32)
    }
}

extension SocketOption where Value == String {
    /// Send and receive only through this network interface (`lo`,
    /// `eth0`); needs `CAP_NET_RAW`. The corresponding C constant is
    /// `SO_BINDTODEVICE` (socket(7)).
    public static var bindToDevice: Self {
        SocketOption(
            level: SOL_SOCKET, name: SO_BINDTODEVICE, description: "SO_BINDTODEVICE",
            encode: { name in Array(name.utf8) + [0] },
            decode: { bytes in String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) },
            size: Int(IFNAMSIZ))
    }
}
