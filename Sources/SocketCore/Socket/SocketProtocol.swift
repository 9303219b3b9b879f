import Glibc

/// The protocol number passed to socket(2); `.default` lets the kernel pick
/// the one protocol of the family and type (TCP for IP streams, UDP for IP
/// datagrams).
public struct SocketProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The family's default for the type. The corresponding C constant is `0`.
    public static let `default` = SocketProtocol(rawValue: 0)
    /// The corresponding C constant is `IPPROTO_TCP`.
    public static let tcp = SocketProtocol(rawValue: Int32(IPPROTO_TCP))
    /// The corresponding C constant is `IPPROTO_UDP`.
    public static let udp = SocketProtocol(rawValue: Int32(IPPROTO_UDP))
    /// The corresponding C constant is `IPPROTO_ICMP`.
    public static let icmp = SocketProtocol(rawValue: Int32(IPPROTO_ICMP))
    /// The corresponding C constant is `IPPROTO_ICMPV6`.
    public static let icmpv6 = SocketProtocol(rawValue: Int32(IPPROTO_ICMPV6))

    public var description: String {
        switch self {
        case .default: "0"
        case .tcp: "IPPROTO_TCP"
        case .udp: "IPPROTO_UDP"
        case .icmp: "IPPROTO_ICMP"
        case .icmpv6: "IPPROTO_ICMPV6"
        default: "protocol \(rawValue)"
        }
    }
}
