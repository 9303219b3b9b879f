import SocketCore

/// A client is accepted and waits to be handled.
public struct TCPEstablished: TCPState {
    /// The accepted client's socket, open until it is handled or the
    /// connection closes.
    public let client: Socket
    /// Where the client connected from.
    public let peer: SocketAddress

    public init(client: Socket, peer: SocketAddress) {
        self.client = client
        self.peer = peer
    }

    public var name: TCPMachineState { .established }

    /// One client at a time: it must be handled before the next is accepted.
    public func refusal(of operation: TCPConnection.Operation) -> TCPConnectionError {
        .establishedState(operation)
    }

    /// Runs `handler` on the client, closes it, and goes back to listening;
    /// a handler that throws ends this client only.
    public func handleConnection(
        _ connection: TCPConnection, _ handler: TCPConnection.Handler
    ) throws(TCPConnectionError) {
        connection.changeState(to: TCPListen())
        var failure: (any Error)?
        do { try handler(client, peer) } catch { failure = error }
        if client.isOpen {
            do throws(SocketError) { try client.close() } catch { throw .closeFailed(error) }
        }
        if let failure { throw .handlerFailed(failure) }
    }

    /// Closes the client unhandled, and the listener.
    public func closeConnection(_ connection: TCPConnection) throws(TCPConnectionError) {
        connection.changeState(to: TCPClosed())
        // Both descriptors are released whatever close reports; the first
        // failure is the one thrown.
        var failure: SocketError?
        for socket in [client, connection.listener] {
            do throws(SocketError) { try socket.close() } catch { failure = failure ?? error }
        }
        if let failure { throw .closeFailed(failure) }
    }
}
