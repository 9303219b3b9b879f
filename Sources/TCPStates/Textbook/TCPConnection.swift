import SocketCore

/// The textbook's TCP connection with the State pattern (section 4.3.2),
/// over a real listening socket: the connection hands every call to the
/// object standing for its current state, `TCPListen`, `TCPEstablished` or
/// `TCPClosed`, which does the socket work and may replace itself.
///
///     let connection = try TCPConnection(host: "127.0.0.1", port: 7000)  // LISTEN
///     try connection.openConnection()                                    // ESTABLISHED
///     try connection.handleConnection { client, peer in ... }            // LISTEN again
///     try connection.closeConnection()                                   // CLOSED
///
/// One client at a time, on the calling thread: `TCPServer` serves many at
/// once. A call the current state does not allow throws the book's state
/// error (`TCPConnectionError.closeState`, `.listenState`,
/// `.establishedState`) and changes nothing. Not for use from several
/// threads at once.
public final class TCPConnection {
    /// The calls a `TCPConnection` hands to its state.
    public enum Operation: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case openConnection, handleConnection, closeConnection

        public var description: String { rawValue }
    }

    /// What `handleConnection` runs: blocking I/O on the connected `client`
    /// socket from `peer`. The connection closes the socket when it returns
    /// (unless the handler closed it).
    public typealias Handler = (_ client: Socket, _ peer: SocketAddress) throws -> Void

    /// The state object now: `TCPListen` from creation on.
    public private(set) var state: any TCPState = TCPListen()
    /// The listening socket's address (with the port the kernel picked for
    /// port 0).
    public let localAddress: SocketAddress
    /// The listening socket; closed in `TCPClosed`.
    let listener: Socket

    /// Binds `host`, a numeric IPv4 or IPv6 address, and `port` (0 picks a
    /// free one), and listens: the connection starts in `TCPListen`. Throws
    /// why the listening socket could not be made.
    public init(host: String, port: UInt16) throws(TCPOpenError) {
        (listener, localAddress) = try ListeningSocket.open(host: host, port: port)
    }

    /// Waits for a client and accepts it (LISTEN to ESTABLISHED).
    public func openConnection() throws(TCPConnectionError) { try state.openConnection(self) }

    /// Runs `handler` on the accepted client, closes the client and goes
    /// back to listening (ESTABLISHED to LISTEN), even when the handler
    /// throws; its error is then rethrown as `.handlerFailed`.
    public func handleConnection(_ handler: Handler) throws(TCPConnectionError) {
        try state.handleConnection(self, handler)
    }

    /// Closes the listener, and a client accepted but not handled (to CLOSED).
    public func closeConnection() throws(TCPConnectionError) { try state.closeConnection(self) }

    // What the state objects may do to their connection; the book makes them
    // friends of the class, here they share its module.
    func changeState(to next: any TCPState) { state = next }
}
