import Glibc
import SocketCore

/// Why a listening socket could not be made: the textbook's checks after
/// each of socket(2), bind(2) and listen(2), as values instead of `perror`
/// and `exit`.
///
/// Its description is one line that says what to do about it, e.g.
/// `cannot bind 127.0.0.1:8080: EADDRINUSE (Address already in use): another socket holds this port`.
public enum TCPOpenError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The host is not a numeric IPv4 or IPv6 address.
    case badAddress(String)
    /// socket(2) or setsockopt(2) failed (out of descriptors, say).
    case socketFailed(SocketError)
    /// bind(2) failed: the port is taken, privileged, or the address is not
    /// one of this machine's.
    case bindFailed(SocketAddress, SocketError)
    /// listen(2) failed.
    case listenFailed(SocketAddress, SocketError)

    public var description: String {
        switch self {
        case .badAddress(let host):
            "\(host.debugDescription) is not an IPv4 or IPv6 address (e.g. 127.0.0.1 or ::1)"
        case .socketFailed(let error):
            "cannot make a socket: \(error)"
        case .bindFailed(let address, let error):
            "cannot bind \(address): \(error.name) (\(error.message))" + Self.hint(for: error.code)
        case .listenFailed(let address, let error):
            "cannot listen on \(address): \(error.name) (\(error.message))"
        }
    }

    /// What a bind errno means for someone starting a server.
    private static func hint(for code: Int32) -> String {
        switch code {
        case EADDRINUSE: ": another socket holds this port"
        case EACCES: ": ports below 1024 need root (CAP_NET_BIND_SERVICE)"
        case EADDRNOTAVAIL: ": no interface of this machine has that address"
        default: ""
        }
    }
}
