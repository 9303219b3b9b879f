import Glibc
import SocketCore
import Synchronization

/// What a signal needs to reach in a running server: the listening socket
/// (shut down to wake a blocked accept or receive) and the connections being
/// served (shut down when the grace period for finishing them runs out).
public final class ServerControl: Sendable {
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        /// The stop has finished using the listener.
        var listenerReleased = false
        var listener: Socket?
        var connections: [ObjectIdentifier: Socket] = [:]
        var aborting = false
        var stopActions: [@Sendable () -> Void] = []
        var abortActions: [@Sendable () -> Void] = []
        var shutdownBegun = false
    }

    /// The server's counters, when something reads them (a control port,
    /// a metrics endpoint); nil, and nothing is counted, otherwise.
    public let scoreboard: Scoreboard?

    public init(scoreboard: Scoreboard? = nil) {
        self.scoreboard = scoreboard
    }

    /// The counters of worker `index`, if the server counts.
    public func counters(ofWorker index: Int) -> WorkerCounters? { scoreboard?.worker(index) }

    /// Whether a stop was asked for.
    public var isStopping: Bool { state.withLock { $0.stopping } }

    /// Whether the grace period has run out.
    public var isAborting: Bool { state.withLock { $0.aborting } }

    /// Runs `action` when a stop is asked for (at once if it already was):
    /// how a model whose threads do not block on the listener learns of it
    /// (an event loop to wake, worker processes to tell).
    public func whenStopping(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if !state.stopping { state.stopActions.append(action) }
            return state.stopping
        }
        if now { action() }
    }

    /// Runs `action` when the grace period runs out (at once if it has):
    /// how a model ends connections that `track` does not hold (those of
    /// child processes, or of an event loop).
    public func whenAborting(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if !state.aborting { state.abortActions.append(action) }
            return state.aborting
        }
        if now { action() }
    }

    func serve(listener: Socket) { state.withLock { $0.listener = listener } }

    func track(_ connection: Socket) { state.withLock { $0.connections[ObjectIdentifier(connection)] = connection } }

    func untrack(_ connection: Socket) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Stops taking new work: marks the server stopping and shuts the
    /// listener's read side, which wakes an accept (or a datagram receive)
    /// blocked on it. Open connections go on.
    public func stop() {
        let (listener, actions) = state.withLock { state in
            let actions = state.stopping ? [] : state.stopActions
            state.stopping = true
            state.stopActions = []
            return (state.listener, actions)
        }
        // An unconnected UDP socket reports ENOTCONN but is woken all the same
        // (Linux inet_shutdown); nothing else can fail that matters here.
        try? listener?.shutdown(.read)
        state.withLock { $0.listenerReleased = true }
        for action in actions { action() }
    }

    /// Waits until a stop in progress has finished with the listener, so that
    /// closing it next really closes it. Otherwise the stop's shutdown call
    /// still holds the socket, the close is deferred to the end of that call,
    /// and a process that exits right away can leave its UNIX socket file
    /// behind.
    public func settle() {
        while state.withLock({ $0.stopping && !$0.listenerReleased }) {
            Pause.sleep(for: .milliseconds(1))
        }
    }

    /// Ends the connections still open (after the grace period).
    public func abortConnections() {
        let (open, actions) = state.withLock { state in
            let actions = state.aborting ? [] : state.abortActions
            state.aborting = true
            state.abortActions = []
            return (Array(state.connections.values), actions)
        }
        for connection in open { try? connection.shutdown(.both) }
        for action in actions { action() }
    }

    /// Shuts the server down as SIGTERM does: stops accepting at once, gives
    /// the open connections `grace` to finish, then ends those still open.
    /// The model then returns on its own. A second call changes nothing,
    /// unless it has no grace: a `stop` during a drain ends the drain now.
    public func shutDown(grace: Duration, reason: String) {
        let first = state.withLock { state in
            defer { state.shutdownBegun = true }
            return !state.shutdownBegun
        }
        guard first else {
            if grace <= .zero {
                ServerLog.write("\(reason): ending the connections still open")
                abortConnections()
            }
            return
        }
        ServerLog.write("\(reason): closing the listener")
        stop()
        if grace <= .zero {
            abortConnections()
            return
        }
        do {
            try PosixThread.startDetached { [self] in
                Pause.sleep(for: grace)
                ServerLog.write("grace period of \(grace) over: ending the connections still open")
                abortConnections()
            }
        } catch {
            // No thread for the timer: end them now rather than never.
            abortConnections()
        }
    }
}
