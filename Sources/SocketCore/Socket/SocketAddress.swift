/// Where a socket is bound or connected: an IPv4 or IPv6 address and port, or
/// a UNIX-domain path.
///
/// Text forms (`init?(_:)` parses what `description` prints):
/// `1.2.3.4:80`, `[::1]:80`, `[fe80::1%2]:80`, and any text containing `/`
/// for a UNIX path (`/run/echo.sock`, `./echo.sock`).
public enum SocketAddress: Hashable, Sendable {
    case ipv4(IPv4Address, port: UInt16)
    /// `scopeID` is the interface index a link-local address belongs to
    /// (0 for none).
    case ipv6(IPv6Address, port: UInt16, scopeID: UInt32 = 0)
    /// A filesystem path. The empty path stands for an unnamed socket: one
    /// that never bound (a socket pair, a client's end of a UNIX connection).
    case unix(path: String)

    /// An IP address and port.
    public init(_ address: IPAddress, port: UInt16) {
        switch address {
        case .v4(let v4): self = .ipv4(v4, port: port)
        case .v6(let v6): self = .ipv6(v6, port: port)
        }
    }

    /// The family a socket needs to use this address.
    public var family: SocketFamily {
        switch self {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        case .unix: .unix
        }
    }

    /// The IP address, or nil for a UNIX path.
    public var ipAddress: IPAddress? {
        switch self {
        case .ipv4(let address, _): .v4(address)
        case .ipv6(let address, _, _): .v6(address)
        case .unix: nil
        }
    }

    /// The port, or nil for a UNIX path.
    public var port: UInt16? {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port, _): port
        case .unix: nil
        }
    }

    /// The path, or nil for an IP address.
    public var path: String? {
        if case .unix(let path) = self { path } else { nil }
    }

    /// `127.0.0.1:port`.
    public static func loopbackIPv4(port: UInt16) -> SocketAddress {
        .ipv4(IPv4Address(127, 0, 0, 1), port: port)
    }

    /// `[::1]:port`.
    public static func loopbackIPv6(port: UInt16) -> SocketAddress {
        .ipv6(.loopback, port: port)
    }
}
