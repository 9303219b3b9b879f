/// A state of `TCPConnection`: the book's abstract `TCPState` class, whose
/// operations `TCPClosed`, `TCPListen` and `TCPEstablished` override where
/// they mean something.
public protocol TCPConnectionState: Sendable {
    /// The RFC 9293 state this object stands for.
    var name: TCPState { get }
    /// Why this state refuses `operation`.
    func refusal(of operation: TCPConnectionOperation) -> TCPStateError.Reason

    func activeOpen(_ connection: TCPConnection) throws(TCPStateError)
    func passiveOpen(_ connection: TCPConnection) throws(TCPStateError)
    func close(_ connection: TCPConnection) throws(TCPStateError)
    func send(_ connection: TCPConnection) throws(TCPStateError)
    func acknowledge(_ connection: TCPConnection) throws(TCPStateError)
    func synchronize(_ connection: TCPConnection) throws(TCPStateError)
    func transmit(_ octets: [UInt8], on connection: TCPConnection) throws(TCPStateError)
}

/// The requests a `TCPConnection` hands to its state.
public enum TCPConnectionOperation: String, Hashable, Sendable, CaseIterable {
    case activeOpen, passiveOpen, close, send, acknowledge, synchronize, transmit
}

// The book's base class does nothing for a request; an ignored request would
// hide the caller's mistake, so the default refuses it with a typed error.
extension TCPConnectionState {
    public func activeOpen(_ connection: TCPConnection) throws(TCPStateError) { throw refused(.activeOpen) }
    public func passiveOpen(_ connection: TCPConnection) throws(TCPStateError) { throw refused(.passiveOpen) }
    public func close(_ connection: TCPConnection) throws(TCPStateError) { throw refused(.close) }
    public func send(_ connection: TCPConnection) throws(TCPStateError) { throw refused(.send) }
    public func acknowledge(_ connection: TCPConnection) throws(TCPStateError) { throw refused(.acknowledge) }
    public func synchronize(_ connection: TCPConnection) throws(TCPStateError) { throw refused(.synchronize) }
    public func transmit(_ octets: [UInt8], on connection: TCPConnection) throws(TCPStateError) {
        throw refused(.transmit)
    }

    func refused(_ operation: TCPConnectionOperation) -> TCPStateError {
        TCPStateError(state: name, operation: operation.rawValue, reason: refusal(of: operation))
    }
}
