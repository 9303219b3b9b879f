import Glibc

/// An address family (the socket's domain).
public struct SocketFamily: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// IPv4. The corresponding C constant is `AF_INET`.
    public static let ipv4 = SocketFamily(rawValue: AF_INET)
    /// IPv6. The corresponding C constant is `AF_INET6`.
    public static let ipv6 = SocketFamily(rawValue: AF_INET6)
    /// UNIX domain (local) sockets. The corresponding C constant is `AF_UNIX`.
    public static let unix = SocketFamily(rawValue: AF_UNIX)

    public var description: String {
        switch self {
        case .ipv4: "AF_INET"
        case .ipv6: "AF_INET6"
        case .unix: "AF_UNIX"
        default: "family \(rawValue)"
        }
    }
}
