import SocketCore

/// What an `HTTPClient` does on the way to a response, for a caller that
/// shows the exchange (`sockworks get -v`).
public enum ClientEvent: Sendable {
    /// A new connection to this address is established.
    case connected(SocketAddress)
    /// A connection kept from an earlier request is used again.
    case reusing(SocketAddress)
    /// A kept connection had been closed by the server: connecting again.
    case reconnecting(HTTPURL.Origin)
    /// The head of the request, as written.
    case requestHead([UInt8])
    /// The head of a response: an interim one, a redirect or the final one.
    case responseHead(ResponseHead)
}
