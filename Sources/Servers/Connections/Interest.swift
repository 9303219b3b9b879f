/// What a model should wait for next on a connection's socket.
enum Interest: Equatable {
    /// Bytes from the peer.
    case read
    /// Room to send: queued output, or a session waiting to be asked for
    /// more (`wantsDrained`). Reading pauses meanwhile.
    case write
    /// Nothing on the socket: the session paused reading, or the peer has
    /// finished and the session is still producing (from a timer, another
    /// descriptor or a wake-up).
    case idle
    /// The connection is done: close it.
    case close
}
