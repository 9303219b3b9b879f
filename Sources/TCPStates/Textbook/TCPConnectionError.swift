import SocketCore

/// What a `TCPConnection` call could not do: the book's state errors, for a
/// call the current state does not allow (the state is left as it was), and
/// the failures of the socket work a state does.
///
/// Its description is one line, e.g.
/// `handleConnection in LISTEN: no client yet; call openConnection first`.
public enum TCPConnectionError: Error, CustomStringConvertible {
    /// The book's `CloseStateError`: any call on a closed connection.
    case closeState(TCPConnection.Operation)
    /// The book's `ListenStateError`: handling a client before one was
    /// accepted.
    case listenState(TCPConnection.Operation)
    /// Accepting another client while the accepted one waits to be handled.
    case establishedState(TCPConnection.Operation)
    /// accept(2) failed; the connection still listens.
    case acceptFailed(SocketError)
    /// close(2) failed; the descriptor is released all the same, and the
    /// state has changed.
    case closeFailed(SocketError)
    /// The handler threw; the client was closed and the connection listens
    /// again.
    case handlerFailed(any Error)

    /// The call refused, for the three state errors.
    public var refusedOperation: TCPConnection.Operation? {
        switch self {
        case .closeState(let operation), .listenState(let operation), .establishedState(let operation): operation
        case .acceptFailed, .closeFailed, .handlerFailed: nil
        }
    }

    public var description: String {
        switch self {
        case .closeState(let operation): "\(operation) in CLOSED: the connection is closed"
        case .listenState(let operation): "\(operation) in LISTEN: no client yet; call openConnection first"
        case .establishedState(let operation):
            "\(operation) in ESTABLISHED: a client is connected; call handleConnection first"
        case .acceptFailed(let error): "openConnection: \(error)"
        case .closeFailed(let error): "close: \(error)"
        case .handlerFailed(let error): "handleConnection: the handler failed: \(error)"
        }
    }
}
