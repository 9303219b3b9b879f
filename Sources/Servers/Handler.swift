import SocketCore

/// What a server does with one stream connection, whatever server model runs
/// it: the model reads, hands the bytes to the session, and sends what the
/// session appended to `output`. No handler knows which model runs it.
public protocol StreamHandler: Sendable {
    associatedtype Session: StreamSession
    /// A new connection from `peer`.
    func open(peer: SocketAddress) -> Session
}

/// The per-connection state of a `StreamHandler`.
public protocol StreamSession {
    /// Bytes arrived; append the reply (if any) to `output`.
    mutating func received(_ input: UnsafeRawBufferPointer, output: inout [UInt8]) -> SessionAction
    /// The peer finished sending (end of file); append a last reply if any.
    mutating func peerFinished(output: inout [UInt8]) -> SessionAction
}

/// What the model does after a session has spoken.
public enum SessionAction: Sendable, Equatable {
    /// Send the output and keep reading.
    case proceed
    /// Send the output, then close the connection.
    case close
}

/// What a server does with one datagram.
public protocol DatagramHandler: Sendable {
    /// A datagram from `sender`: append the reply to `output` and return
    /// true to send it (an empty reply is a datagram too), false to stay silent.
    func received(_ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, output: inout [UInt8]) -> Bool
}
