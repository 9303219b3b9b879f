import SocketCore

/// Where a control port listens: a UNIX socket path (the default form) or
/// a TCP address, `127.0.0.1:PORT` or `[::1]:PORT`.
public enum ControlAddress: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(SocketAddress)

    /// Reads `text`: a path when it starts with `/` or `.` or is not of the
    /// `HOST:PORT` / `[V6]:PORT` form, a TCP address otherwise. Nil for an
    /// empty path, one longer than a UNIX socket address holds, and a
    /// `NAME:PORT` whose name is not a numeric address.
    public init?(_ text: String) {
        if !text.hasPrefix("/") && !text.hasPrefix("."), let address = SocketAddress(text), address.family != .unix {
            self = .tcp(address)
            return
        }
        // `localhost:9000` is meant as TCP, but a control port takes numbers
        // only: no name is looked up for a socket that guards a server.
        if !text.hasPrefix("/") && !text.hasPrefix("."), let colon = text.lastIndex(of: ":"),
            UInt16(text[text.index(after: colon)...]) != nil
        {
            return nil
        }
        guard !text.isEmpty, case .unix? = SocketAddress(text.contains("/") ? text : "./" + text) else { return nil }
        self = .unix(path: text)
    }

    /// The address to bind or connect to.
    public var socketAddress: SocketAddress {
        switch self {
        case .unix(let path): .unix(path: path)
        case .tcp(let address): address
        }
    }

    /// Whether only this machine can reach the address: a UNIX socket, or
    /// TCP on 127.0.0.0/8 or ::1.
    public var isLocal: Bool {
        switch self {
        case .unix: true
        case .tcp(.ipv4(let address, _)): address.rawValue >> 24 == 127
        case .tcp(.ipv6(let address, _, _)): address == .loopback
        case .tcp: false
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): path
        case .tcp(let address): "\(address)"
        }
    }
}
