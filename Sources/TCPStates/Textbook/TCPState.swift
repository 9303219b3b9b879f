import SocketCore

/// A state of `TCPConnection`: the book's abstract `TCPState` class, whose
/// operations `TCPListen`, `TCPEstablished` and `TCPClosed` override where
/// they mean something.
///
/// The book's base class throws for an operation its subclass does not
/// override; so do the defaults here, with `refusal(of:)`, the state's own
/// error for it.
public protocol TCPState {
    /// The RFC 9293 state this object stands for (`LISTEN`, ...).
    var name: TCPMachineState { get }
    /// The error for `operation` in this state.
    func refusal(of operation: TCPConnection.Operation) -> TCPConnectionError

    func openConnection(_ connection: TCPConnection) throws(TCPConnectionError)
    func handleConnection(_ connection: TCPConnection, _ handler: TCPConnection.Handler) throws(TCPConnectionError)
    func closeConnection(_ connection: TCPConnection) throws(TCPConnectionError)
}

extension TCPState {
    public func openConnection(_ connection: TCPConnection) throws(TCPConnectionError) {
        throw refusal(of: .openConnection)
    }

    public func handleConnection(
        _ connection: TCPConnection, _ handler: TCPConnection.Handler
    ) throws(TCPConnectionError) {
        throw refusal(of: .handleConnection)
    }

    public func closeConnection(_ connection: TCPConnection) throws(TCPConnectionError) {
        throw refusal(of: .closeConnection)
    }
}
