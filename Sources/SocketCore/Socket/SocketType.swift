import Glibc

/// A socket type: how data moves.
public struct SocketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// A reliable byte stream (TCP, UNIX stream). The corresponding C constant
    /// is `SOCK_STREAM`.
    public static let stream = SocketType(rawValue: Int32(SOCK_STREAM.rawValue))
    /// Messages with boundaries, unreliable for IP (UDP, UNIX datagram, ICMP
    /// ping sockets). The corresponding C constant is `SOCK_DGRAM`.
    public static let datagram = SocketType(rawValue: Int32(SOCK_DGRAM.rawValue))
    /// Whole IP packets (raw ICMP). The corresponding C constant is `SOCK_RAW`.
    public static let raw = SocketType(rawValue: Int32(SOCK_RAW.rawValue))

    public var description: String {
        switch self {
        case .stream: "SOCK_STREAM"
        case .datagram: "SOCK_DGRAM"
        case .raw: "SOCK_RAW"
        default: "type \(rawValue)"
        }
    }
}
