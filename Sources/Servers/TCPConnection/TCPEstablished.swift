/// A synchronized connection: data flows both ways.
public struct TCPEstablished: TCPConnectionState {
    public init() {}

    public var name: TCPState { .established }

    /// What is left is opening again: an OPEN, or a SYN, on a connection that
    /// exists (RFC 9293 3.10.1).
    public func refusal(of operation: TCPConnectionOperation) -> TCPStateError.Reason { .connectionAlreadyExists }

    /// As in the book, the connection goes back to listening once its FIN is
    /// acknowledged; the RFC's way, through FIN-WAIT and TIME-WAIT to CLOSED,
    /// is `TCPStateMachine`'s.
    public func close(_ connection: TCPConnection) throws(TCPStateError) {
        connection.changeState(to: TCPListen())
    }

    /// Data goes out (RFC 9293 3.10.2, ESTABLISHED STATE); the state stays.
    public func send(_ connection: TCPConnection) throws(TCPStateError) {}

    /// An acknowledgment of data sent; the state stays.
    public func acknowledge(_ connection: TCPConnection) throws(TCPStateError) {}

    /// As in the book: the connection processes the octets.
    public func transmit(_ octets: [UInt8], on connection: TCPConnection) throws(TCPStateError) {
        connection.processOctets(octets)
    }
}
