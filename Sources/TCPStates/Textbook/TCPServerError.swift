import SocketCore

/// What `TCPServer` could not do: open its listener, or a call made in the
/// wrong order (serving before opening, opening twice).
///
/// Its description is one line, e.g.
/// `establishConnection: the server is not open; call openServer first`.
public enum TCPServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// openServer could not make the listening socket.
    case openFailed(TCPOpenError)
    /// openServer on a server that is already listening, here.
    case alreadyOpen(SocketAddress)
    /// openServer while a closed server's establishConnection still waits
    /// for its clients' handlers to return.
    case stillClosing
    /// establishConnection or closeConnection on a server that is not open.
    case notOpen(operation: String)
    /// establishConnection while another call of it serves this server.
    case alreadyServing
    /// close(2) of the listener failed; the descriptor is released all the
    /// same (close is never retried).
    case closeFailed(SocketError)

    public var description: String {
        switch self {
        case .openFailed(let error): "openServer: \(error)"
        case .alreadyOpen(let address): "openServer: the server is already listening on \(address)"
        case .stillClosing: "openServer: the last establishConnection is still waiting for its clients"
        case .notOpen(let operation): "\(operation): the server is not open; call openServer first"
        case .alreadyServing: "establishConnection: the server is already accepting clients on another thread"
        case .closeFailed(let error): "closeConnection: \(error)"
        }
    }
}
