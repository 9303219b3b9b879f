import SocketCore

/// A server model: one way of running a `StreamHandler`'s sessions on a
/// listening socket. Every model serves the same handlers and shuts down
/// the same way, so one conformance suite and one benchmark cover them all.
public protocol StreamServer: Sendable {
    /// Serves connections from `listener` until its `ServerControl` is
    /// stopped; then stops accepting, lets the open connections finish (the
    /// control's abort ends them after the grace period) and returns once
    /// none is left: no thread, child process or descriptor of the model's
    /// own outlives the call. The caller closes `listener`.
    func run(listener: Socket) throws(ServerError)
}
