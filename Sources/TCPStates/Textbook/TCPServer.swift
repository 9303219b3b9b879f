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
/// A thin face over the servers' own parts: the service bootstrap's
/// listening socket, and the thread model's accept loop and threads
/// (`ThreadPerConnection`, which sheds waiting connections when descriptors
/// run out), stopped through a `ServerControl`, whose stop wakes the accept
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
            // The control's stop shuts the listener's read side, which wakes
            // a blocked accept and ends the listen (Linux inet_shutdown):
            // clients that connect from then on are refused.
            let control = ServerControl()
            phase = .open(Listener(socket: socket, address: address, control: control))
            return address
        }
    }

    /// Accepts clients until `closeConnection`, running `handler` for each
    /// on a thread of its own; blocks the calling thread meanwhile. After
    /// `closeConnection` it waits until every client's handler has returned,
    /// closes the listener and returns.
    ///
    /// Accept failures end no client: when the process is out of
    /// descriptors the waiting connections are closed so their clients hear
    /// of it, and every failure is logged (at most a line a second).
    public func establishConnection(_ handler: @escaping Handler) throws(TCPServerError) {
        let listener = try phase.withLock { phase throws(TCPServerError) in
            guard case .open(let listener) = phase else {
                if case .serving = phase { throw .alreadyServing }
                throw .notOpen(operation: "establishConnection")
            }
            phase = .serving(listener)
            return listener
        }
        ThreadPerConnection.serve(listener: listener.socket, control: listener.control) { client, peer in
            do {
                try handler(client, peer)
            } catch {
                // The textbook's perror: the handler's failure ends that client only.
                TextOutput.write("TCPServer: client \(peer): \(error)\n", to: STDERR_FILENO)
            }
        }
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
}
