import SocketCore

/// What a server does with one stream connection, whatever server model runs
/// it: the model reads, hands the bytes to the session, and sends what the
/// session queued in `io.output`. No handler knows which model runs it.
public protocol StreamHandler: Sendable {
    associatedtype Session: StreamSession
    /// A new connection from `peer`.
    func open(peer: SocketAddress) -> Session
}

/// The per-connection state of a `StreamHandler`.
///
/// Every callback runs on the connection's thread (the model's loop, or the
/// connection's own thread or process) and gets the connection's `SessionIO`:
/// output to queue, and what the session wants of the model next (a deadline,
/// reading paused, a call when the output has drained, another descriptor to
/// wait on). Only `received` and `peerFinished` are required; the others
/// have defaults for sessions that never ask for them.
public protocol StreamSession {
    /// The connection has been accepted, before anything is read: a session
    /// that must hear from its peer within a time sets `io.deadline` here (a
    /// web server's header timeout, which a peer that never sends a byte
    /// must meet too).
    mutating func opened(_ io: inout SessionIO) -> SessionAction
    /// Bytes arrived.
    mutating func received(_ input: UnsafeRawBufferPointer, _ io: inout SessionIO) -> SessionAction
    /// The peer finished sending (end of file).
    mutating func peerFinished(_ io: inout SessionIO) -> SessionAction
    /// Everything queued has been sent, and the session asked to hear of it
    /// (`io.wantsDrained`): a producer adds the next part of its body.
    mutating func drained(_ io: inout SessionIO) -> SessionAction
    /// `io.deadline` has passed. The model clears the deadline first.
    mutating func deadlinePassed(_ io: inout SessionIO) -> SessionAction
    /// The descriptor in `io.waitsOn` is ready, or a `SessionWaker` was woken.
    mutating func woken(_ io: inout SessionIO) -> SessionAction
    /// The connection is over (either side closed it, an error ended it, or
    /// the server's grace period ran out): release what the session holds
    /// (a child process, a file). Called exactly once, last.
    mutating func closed()
}

extension StreamSession {
    public mutating func opened(_ io: inout SessionIO) -> SessionAction { .proceed }
    public mutating func drained(_ io: inout SessionIO) -> SessionAction { .proceed }
    /// A session that sets a deadline and says nothing of it is closed then.
    public mutating func deadlinePassed(_ io: inout SessionIO) -> SessionAction { .close }
    public mutating func woken(_ io: inout SessionIO) -> SessionAction { .proceed }
    public mutating func closed() {}
}

/// What the model does after a session has spoken.
public enum SessionAction: Sendable, Equatable {
    /// Send the output and go on.
    case proceed
    /// Send the output, then close the connection.
    case close
}

/// What a server does with one datagram. It may be called from several
/// threads at once (one per worker socket), and by any datagram model.
public protocol DatagramHandler: Sendable {
    /// A datagram from `sender`: append the reply to `output` and say
    /// whether and when it goes back (an empty reply is a datagram too).
    func received(_ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, output: inout [UInt8])
        -> DatagramReply
}

/// Whether a handler's reply is sent, and when.
public enum DatagramReply: Sendable, Equatable {
    /// No reply.
    case none
    /// The reply goes back at once.
    case now
    /// The reply goes back after this delay (a lab server simulating a slow
    /// network): the server holds it meanwhile and goes on receiving. Held
    /// replies are bounded (`DelayedReplies.capacity`); past the bound one is
    /// dropped, as a congested network would.
    case after(Duration)
}
