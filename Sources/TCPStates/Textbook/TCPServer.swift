import Glibc
import Servers
import SocketCore
import Synchronization

/// The textbook's TCP server object (section 4.3.1): `openServer` makes the
/// listening socket, `establishConnection` accepts clients for ever and
/// serves each on a thread of its own, `closeConnection` closes.
///
///     let server = TCPServer()
///     let address = try server.openServer(host: "127.0.0.1", port: 7000)
///     print("listening on \(address)")
///     try server.establishConnection { client, peer in
///         while let bytes = try client.receive(maxCount: 4096).value, !bytes.isEmpty {
///             try client.sendAll(bytes)
///         }
///     }
///
/// A thin face over what the server models use: SocketCore's `Socket` and
/// `PosixThread`, and Servers' `ServerControl`, whose stop wakes the accept
/// blocked on the listener. Safe to call from any thread: in particular a
/// handler, or another thread, may call `closeConnection` while
/// `establishConnection` runs.
public final class TCPServer: Sendable {
    /// What a client's thread runs: blocking I/O on the connected `client`
    /// socket from `peer`. The server closes the socket when the handler
    /// returns (unless the handler closed it); what it throws is reported on
    /// standard error and ends that client only.
    public typealias Handler = @Sendable (_ client: Socket, _ peer: SocketAddress) throws -> Void

    private let phase = Mutex(Phase.closed)

    private enum Phase {
        case closed
        case open(Listener)
        /// establishConnection is accepting on the listener.
        case serving(Listener)
        /// closeConnection was called while serving: establishConnection
        /// still waits for its clients, then closes the listener.
        case closing
    }

    private struct Listener {
        let socket: Socket
        let address: SocketAddress
        let control: ServerControl
    }

    public init() {}

    /// The address the server listens on (with the port the kernel picked
    /// when `openServer` was given port 0), or nil when it is not open.
    public var localAddress: SocketAddress? {
        phase.withLock { phase in
            switch phase {
            case .open(let listener), .serving(let listener): listener.address
            case .closed, .closing: nil
            }
        }
    }

    /// Makes the listening socket on `host`, a numeric IPv4 or IPv6 address,
    /// and `port` (0 picks a free one), and returns the address it listens
    /// on. A bad address, a bind the kernel refuses (the port in use, a
    /// privileged port, an address not of this machine) or a failed listen
    /// throws `.openFailed` with the reason.
    @discardableResult
    public func openServer(host: String, port: UInt16) throws(TCPServerError) -> SocketAddress {
        try phase.withLock { phase throws(TCPServerError) in
            switch phase {
            case .closed: break
            case .open(let listener), .serving(let listener): throw .alreadyOpen(listener.address)
            case .closing: throw .stillClosing
            }
            let (socket, address): (Socket, SocketAddress)
            do throws(TCPOpenError) {
                (socket, address) = try ListeningSocket.open(host: host, port: port)
            } catch {
                throw .openFailed(error)
            }
            let control = ServerControl()
            // Shutting a listening socket's read side wakes a blocked accept
            // and ends the listen (Linux inet_shutdown): clients that connect
            // from then on are refused. It cannot fail on a listener.
            control.whenStopping { try? socket.shutdown(.read) }
            phase = .open(Listener(socket: socket, address: address, control: control))
            return address
        }
    }

    /// Accepts clients until `closeConnection`, running `handler` for each
    /// on a thread of its own; blocks the calling thread meanwhile. After
    /// `closeConnection` it waits until every client's handler has returned,
    /// closes the listener and returns.
    ///
    /// Accept failures that concern one connection (it was reset while it
    /// waited) are passed over; when the process is out of descriptors the
    /// waiting connections are closed so their clients hear of it; any other
    /// failure waits for the clients and throws `.acceptFailed`, leaving the
    /// server open.
    public func establishConnection(_ handler: @escaping Handler) throws(TCPServerError) {
        let listener = try phase.withLock { phase throws(TCPServerError) in
            guard case .open(let listener) = phase else {
                if case .serving = phase { throw .alreadyServing }
                throw .notOpen(operation: "establishConnection")
            }
            phase = .serving(listener)
            return listener
        }
        let clients = ClientThreads()
        let failure = acceptUntilStopped(listener, serving: clients, with: handler)
        clients.waitUntilAllFinished()
        let closed = phase.withLock { phase in
            guard case .closing = phase else {
                phase = .open(listener)
                return false
            }
            return true
        }
        if closed {
            defer { phase.withLock { $0 = .closed } }
            do throws(SocketError) { try listener.socket.close() } catch { throw .closeFailed(error) }
        }
        if let failure { throw .acceptFailed(failure) }
    }

    /// Closes the server: no client is accepted from now on. Outside
    /// `establishConnection` this closes the listener's descriptor at once;
    /// while it runs, this returns without waiting, and
    /// `establishConnection` closes the descriptor and returns once its
    /// clients' handlers have (so a handler may call this).
    public func closeConnection() throws(TCPServerError) {
        let (listener, serving) = try phase.withLock { phase throws(TCPServerError) in
            switch phase {
            case .open(let listener):
                phase = .closed
                return (listener, false)
            case .serving(let listener):
                phase = .closing
                return (listener, true)
            case .closed, .closing:
                throw .notOpen(operation: "closeConnection")
            }
        }
        listener.control.stop()
        if serving { return }
        do throws(SocketError) { try listener.socket.close() } catch { throw .closeFailed(error) }
    }

    /// The accept loop; returns nil when stopped, or the failure that ended it.
    private func acceptUntilStopped(
        _ listener: Listener, serving clients: ClientThreads, with handler: @escaping Handler
    ) -> SocketError? {
        let (socket, control) = (listener.socket, listener.control)
        AcceptReserve.shared.prepare()
        while !control.isStopping {
            do throws(SocketError) {
                guard let accepted = try socket.acceptWithPeer().value else { continue }
                clients.serve(accepted.socket, peer: accepted.peer, with: handler)
            } catch {
                if control.isStopping { return nil }
                switch AcceptFailure(error) {
                case .retry: continue
                case .outOfDescriptors:
                    if AcceptReserve.shared.shed(from: socket) == 0 { usleep(AcceptFailure.pauseMicroseconds) }
                case .pause: usleep(AcceptFailure.pauseMicroseconds)
                case .fatal: return error
                }
            }
        }
        return nil
    }
}
