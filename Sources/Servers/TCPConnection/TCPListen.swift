/// Waiting for a peer's SYN.
public struct TCPListen: TCPConnectionState {
    public init() {}

    public var name: TCPState { .listen }

    public func refusal(of operation: TCPConnectionOperation) -> TCPStateError.Reason {
        switch operation {
        case .passiveOpen: .connectionAlreadyExists
        // RFC 9293 3.10.7.2: "Any acknowledgment is bad if it arrives on a
        // connection still in the LISTEN state"; nor is there data yet.
        default: .connectionNotEstablished
        }
    }

    /// An active OPEN on a listening connection makes it active (RFC 9293
    /// 3.10.1, LISTEN STATE); the handshake is one step, as in `TCPClosed`.
    public func activeOpen(_ connection: TCPConnection) throws(TCPStateError) {
        connection.changeState(to: TCPEstablished())
    }

    /// As in the book: sending while listening sends a SYN, and the handshake
    /// completes (RFC 9293 3.10.2, LISTEN STATE).
    public func send(_ connection: TCPConnection) throws(TCPStateError) {
        connection.changeState(to: TCPEstablished())
    }

    /// A peer's SYN: this side answers SYN+ACK and the peer's ACK completes
    /// the handshake, one step here.
    public func synchronize(_ connection: TCPConnection) throws(TCPStateError) {
        connection.changeState(to: TCPEstablished())
    }

    /// RFC 9293 3.10.4, LISTEN STATE: delete the TCB, enter CLOSED.
    public func close(_ connection: TCPConnection) throws(TCPStateError) {
        connection.changeState(to: TCPClosed())
    }
}
