import Glibc
import SocketCore
import Synchronization

/// The control port (`--control`): a line protocol on a UNIX socket (mode
/// 0600) or a loopback TCP port through which an operator reads a running
/// server's counts, changes its log level, drains it or stops it. See
/// docs/control.md for the protocol and its safety rules.
public final class ControlEndpoint: ServiceEndpoint {
    public struct Settings: Sendable {
        public var address: ControlAddress
        /// How long `drain` gives the open connections.
        public var grace: Duration
        /// A TCP address off loopback is refused unless this is set, and it
        /// needs a token.
        public var allowRemote = false
        /// Required as the first word of every line, when given.
        public var token: [UInt8]?
        /// Refuse `drain`, `stop` and `log-level`.
        public var readOnly = false

        public init(address: ControlAddress, grace: Duration) {
            self.address = address
            self.grace = grace
        }
    }

    public let settings: Settings
    let limits: ControlLoop.Limits
    private let state = Mutex(State())

    private struct State {
        var listener: Socket?
        var loop: ControlLoop?
        var thread: PosixThread.Joinable?
    }

    public convenience init(_ settings: Settings) {
        self.init(settings, limits: ControlLoop.Limits())
    }

    init(_ settings: Settings, limits: ControlLoop.Limits) {
        self.settings = settings
        self.limits = limits
    }

    /// The address bound, once prepared (the port a `:0` address was given).
    public var boundAddress: SocketAddress? { state.withLock { try? $0.listener?.localAddress } }

    public func prepare() throws(ServerError) {
        if !settings.address.isLocal {
            guard settings.allowRemote else {
                throw ServerError(
                    "control address \(settings.address) is not loopback; --control-allow-remote allows it")
            }
            guard settings.token != nil else {
                throw ServerError("a remote control address needs a token (--control-token-file)")
            }
        }
        let listener: Socket
        do {
            listener = try bind()
        } catch {
            throw ServerError("control \(settings.address): \(error)")
        }
        state.withLock { $0.listener = listener }
    }

    /// The listening socket. A UNIX socket is created with mode 0600 (under
    /// a umask of 0177, so there is no moment when others may connect);
    /// `bind` refuses to replace anything at the path but a stale socket.
    private func bind() throws(SocketError) -> Socket {
        guard case .unix = settings.address else {
            return try ServiceBootstrap.listeningSocket(on: settings.address.socketAddress)
        }
        // The umask is the process's: this runs before any thread starts.
        let saved = umask(0o177)
        defer { umask(saved) }
        return try ServiceBootstrap.listeningSocket(on: settings.address.socketAddress)
    }

    public func start(control: ServerControl) throws(ServerError) {
        guard let listener = state.withLock({ $0.listener }) else { throw ServerError("control port not prepared") }
        // A daemon forked after the bind: the socket file is this process's
        // to remove now.
        listener.takeOverSocketFile()
        let runner = ControlCommandRunner(
            control: control, grace: settings.grace, token: settings.token, readOnly: settings.readOnly)
        do {
            let loop = try ControlLoop(listener: listener, runner: runner, limits: limits)
            let thread = try PosixThread.start { loop.run() }
            state.withLock {
                $0.loop = loop
                $0.thread = thread
            }
        } catch {
            throw ServerError("control: \(error)")
        }
        // Whoever asked for TCP port 0 learns the port, as after the
        // server's `listening on`; a socket path is the caller's own.
        if case .tcp = settings.address, let bound = try? listener.localAddress {
            TextOutput.write("control on \(bound)\n", to: 1)
            ServerLog.write("control port on \(bound)")
        }
    }

    public func close() {
        let (listener, loop, thread) = state.withLock { state in
            defer { state = State() }
            return (state.listener, state.loop, state.thread)
        }
        loop?.stop()
        thread?.join()
        try? listener?.close()
    }
}
