import SocketCore

/// The accept loop of the blocking models (iterative, thread, fork): takes
/// connections from `listener` until `control` is stopped (a stop shuts the
/// listener down, which wakes the blocked accept) and hands each, blocking,
/// to `body`. Registers the listener with `control` and readies the spare
/// descriptor.
func acceptUntilStopped(
    _ listener: Socket, control: ServerControl, _ body: (Socket, SocketAddress) -> Void
) {
    control.serve(listener: listener)
    AcceptReserve.shared.prepare()
    while !control.isStopping {
        switch Acceptor.accept(on: listener, control: control, nonBlocking: false) {
        case .accepted(let socket, let peer): body(socket, peer)
        case .none: continue
        case .pause: Pause.sleep(for: AcceptErrors.pause)
        }
    }
}
