/// No connection: it can only be opened.
public struct TCPClosed: TCPConnectionState {
    public init() {}

    public var name: TCPState { .closed }

    /// Everything but an open needs a connection (RFC 9293 3.10.2 - 3.10.5,
    /// CLOSED STATE).
    public func refusal(of operation: TCPConnectionOperation) -> TCPStateError.Reason { .connectionDoesNotExist }

    /// The book's model folds the handshake (send SYN, receive SYN+ACK, send
    /// ACK) into one step.
    public func activeOpen(_ connection: TCPConnection) throws(TCPStateError) {
        connection.changeState(to: TCPEstablished())
    }

    public func passiveOpen(_ connection: TCPConnection) throws(TCPStateError) {
        connection.changeState(to: TCPListen())
    }
}
