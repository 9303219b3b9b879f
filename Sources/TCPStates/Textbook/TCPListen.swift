import SocketCore

/// The listener is open and no client is accepted: the connection can
/// accept one, or close.
public struct TCPListen: TCPState {
    public init() {}

    public var name: TCPMachineState { .listen }

    /// The book's `ListenStateError`: there is no client to handle yet.
    public func refusal(of operation: TCPConnection.Operation) -> TCPConnectionError { .listenState(operation) }

    /// Blocks until a client connects, then holds it in `TCPEstablished`.
    /// A connection reset while it waited in the backlog is passed over.
    public func openConnection(_ connection: TCPConnection) throws(TCPConnectionError) {
        while true {
            do throws(SocketError) {
                guard let accepted = try connection.listener.acceptWithPeer().value else { continue }
                connection.changeState(to: TCPEstablished(client: accepted.socket, peer: accepted.peer))
                return
            } catch {
                guard case .retry = AcceptFailure(error) else { throw .acceptFailed(error) }
            }
        }
    }

    /// Closes the listener: from now on clients are refused.
    public func closeConnection(_ connection: TCPConnection) throws(TCPConnectionError) {
        connection.changeState(to: TCPClosed())
        do throws(SocketError) { try connection.listener.close() } catch { throw .closeFailed(error) }
    }
}
