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
    }

    public init() {}

    /// Whether a stop was asked for.
    public var isStopping: Bool { state.withLock { $0.stopping } }

    func serve(listener: Socket) { state.withLock { $0.listener = listener } }

    func track(_ connection: Socket) { state.withLock { $0.connections[ObjectIdentifier(connection)] = connection } }

    func untrack(_ connection: Socket) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Stops taking new work: marks the server stopping and shuts the
    /// listener's read side, which wakes an accept (or a datagram receive)
    /// blocked on it. Open connections go on.
    public func stop() {
        let listener = state.withLock { state -> Socket? in
            state.stopping = true
            return state.listener
        }
        // An unconnected UDP socket reports ENOTCONN but is woken all the same
        // (Linux inet_shutdown); nothing else can fail that matters here.
        try? listener?.shutdown(.read)
        state.withLock { $0.listenerReleased = true }
    }

    /// Waits until a stop in progress has finished with the listener, so that
    /// closing it next really closes it. Otherwise the stop's shutdown call
    /// still holds the socket, the close is deferred to the end of that call,
    /// and a process that exits right away can leave its UNIX socket file
    /// behind.
    public func settle() {
        while state.withLock({ $0.stopping && !$0.listenerReleased }) {
            usleep(1000)
        }
    }

    /// Ends the connections still open (after the grace period).
    public func abortConnections() {
        let open = state.withLock { Array($0.connections.values) }
        for connection in open { try? connection.shutdown(.both) }
    }
}
