import SocketCore
import Streams

/// Why a Telnet client call failed.
public enum TelnetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The host could not be reached.
    case cannotConnect(HostConnectError)
    /// The timeout passed first; `seen` is the data that had arrived and
    /// not been returned (it is still there for the next read).
    case timedOut(seen: [UInt8])
    /// The peer closed the connection first; `seen` as for `timedOut`.
    case closed(seen: [UInt8])
    /// The stream failed.
    case stream(StreamError)

    public var description: String {
        switch self {
        case .cannotConnect(let error): "cannot connect: \(error)"
        case .timedOut(let seen): "timed out after \(seen.count) bytes"
        case .closed(let seen): "the peer closed the connection after \(seen.count) bytes"
        case .stream(let error): error.description
        }
    }
}
