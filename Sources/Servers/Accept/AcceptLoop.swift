import SocketCore

/// The accept loop of the blocking models (iterative, thread, fork): takes
/// connections from `listener` until `control` is stopped (a stop shuts the
/// listener down, which wakes the blocked accept) and hands each, blocking,
/// to `body`. Registers the listener with `control` and readies the spare
/// descriptor. When the server counts, `body` also gets the connection's
/// record, in a slot of worker 0 (the accepting thread).
func acceptUntilStopped(
    _ listener: Socket, control: ServerControl, _ body: (Socket, SocketAddress, ConnectionRecord?) -> Void
) {
    control.serve(listener: listener)
    AcceptReserve.shared.prepare()
    let counters = control.counters(ofWorker: 0)
    while !control.isStopping {
        switch Acceptor.accept(on: listener, control: control, nonBlocking: false, counters: counters) {
        case .accepted(let socket, let peer): body(socket, peer, counters?.open(peer: peer))
        case .none: continue
        case .pause: Pause.sleep(for: AcceptErrors.pause)
        }
    }
}
