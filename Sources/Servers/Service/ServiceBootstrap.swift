import Glibc
import SocketCore

/// Brings a service up and down, the same way for every protocol: logging,
/// the pid file's lock, the listening socket (address family,
/// SO_REUSEADDR, SO_REUSEPORT for workers), `listening on ADDRESS` on
/// standard output, detaching as a daemon, the shutdown signals and the
/// grace period; then hands the socket to the model, and closes it after.
///
/// SIGINT or SIGTERM closes the listener (`ServerControl.stop`), lets the
/// connections being served finish for up to the grace period, then ends
/// those still open (`abortConnections`); `run` returns once the model has.
public struct ServiceBootstrap: Sendable {
    public let configuration: ServiceConfiguration

    public init(_ configuration: ServiceConfiguration) {
        self.configuration = configuration
    }

    /// Runs the service: `serve` gets the bound (and, for a stream,
    /// listening) socket and the control that stops it, and returns when the
    /// service is over. `description` names what serves in the start line
    /// (e.g. "epoll model"). Failures are thrown; with syslog they are
    /// logged too, since a daemon's standard error is /dev/null.
    public func run(
        description: String, _ serve: (Socket, ServerControl) throws(ServerError) -> Void
    ) throws(ServerError) {
        ServerLog.bootstrap(syslogIdent: configuration.syslogIdent)
        // Before the bind, so that a second server fails before touching the
        // first one's address.
        let pidFile = try configuration.pidFile.map { path throws(ServerError) in try PidFile(path: path) }
        defer { pidFile?.remove() }
        do {
            try bringUp(pidFile: pidFile, description: description, serve)
        } catch {
            if configuration.syslogIdent != nil { ServerLog.error("stopped: \(error)") }
            throw error
        }
    }

    private func bringUp(
        pidFile: PidFile?, description: String, _ serve: (Socket, ServerControl) throws(ServerError) -> Void
    ) throws(ServerError) {
        // From "listening on" a script may send SIGTERM: it must stop the
        // server cleanly even before the signal thread runs.
        try ShutdownSignals.block()
        let control = try makeControl()
        let socket = try bind()
        let address = try describe { () throws(SocketError) in try socket.localAddress }
        for endpoint in configuration.endpoints { try endpoint.prepare() }
        TextOutput.write("listening on \(address)\n", to: 1)
        let readiness = try detach(pidFile: pidFile, listener: socket)
        try installSignals(control: control)
        let endpoints = configuration.endpoints
        defer { for endpoint in endpoints { endpoint.close() } }
        for endpoint in endpoints { try endpoint.start(control: control) }
        let daemonNote = configuration.daemon ? " as daemon pid \(getpid())" : ""
        ServerLog.write("\(configuration.name) (\(description)) listening on \(address)\(daemonNote)")
        readiness?.ready()

        try serve(socket, control)
        control.settle()
        try describe { () throws(SocketError) in try socket.close() }
        ServerLog.write("\(configuration.name) stopped")
    }

    /// The control the model runs under: with a scoreboard when the service
    /// counts, its log level then shared by every process it forks.
    private func makeControl() throws(ServerError) -> ServerControl {
        guard let counting = configuration.counting, !configuration.endpoints.isEmpty else { return ServerControl() }
        let scoreboard = try Scoreboard(
            service: configuration.name, model: counting.model, workers: max(1, counting.workers))
        ServerLog.follow(scoreboard)
        return ServerControl(scoreboard: scoreboard)
    }

    /// The service's socket, bound and (for a stream) listening.
    private func bind() throws(ServerError) -> Socket {
        try describe { () throws(SocketError) in
            try Self.listeningSocket(
                on: configuration.address, transport: configuration.transport, reusePort: configuration.reusePort,
                noDelay: configuration.noDelay)
        }
    }

    /// A socket bound to `address` and, for a stream, listening: with
    /// SO_REUSEADDR on an IP address (a server restarted at once may bind
    /// the port its last run left in TIME-WAIT; a port another socket
    /// listens on still fails with EADDRINUSE), and SO_REUSEPORT before the
    /// bind when further listeners are to share the port; with `noDelay`,
    /// TCP_NODELAY for the connections it accepts. A failure names its call
    /// (`socket`, `setsockopt`, `bind`, `listen`).
    public static func listeningSocket(
        on address: SocketAddress, transport: ServiceConfiguration.Transport = .stream, reusePort: Bool = false,
        noDelay: Bool = false
    ) throws(SocketError) -> Socket {
        let socket = try Socket(family: address.family, type: transport == .stream ? .stream : .datagram)
        if address.family != .unix {
            try socket.setOption(.reuseAddress, to: true)
            if reusePort { try socket.setOption(.reusePort, to: true) }
            if noDelay && transport == .stream { try socket.setOption(.noDelay, to: true) }
        }
        try socket.bind(to: address)
        if transport == .stream { try socket.listen() }
        return socket
    }

    /// After binding: detaches (when asked) and writes the pid. Returns what
    /// tells the waiting original process that the daemon serves; that
    /// process itself never returns from here. The daemon removes the
    /// listener's socket file at exit, as the process that bound it would
    /// have. Runs before any thread is started.
    private func detach(pidFile: PidFile?, listener: Socket) throws(ServerError) -> Daemon.Readiness? {
        var readiness: Daemon.Readiness?
        if configuration.daemon {
            switch try Daemon.detach() {
            case .original(let daemonServes):
                if !daemonServes {
                    let hint = configuration.syslogIdent != nil ? " (its log says why)" : "; --syslog keeps its log"
                    TextOutput.write(
                        "\(configuration.programName): the daemon stopped before it served\(hint)\n", to: 2)
                }
                // The pid file, the listener and its socket file are the
                // daemon's now: no cleanup may run here.
                Processes.exitNow(daemonServes ? 0 : 1)
            case .daemon(let ready):
                // Detaching cleared the mask it inherited; block the shutdown
                // signals again before the pid file names us.
                try ShutdownSignals.block()
                listener.takeOverSocketFile()
                readiness = ready
            }
        }
        try pidFile?.writePid()
        return readiness
    }

    /// SIGINT and SIGTERM stop the service: the listener closes at once, and
    /// the connections still open after the grace period are ended; the
    /// model then finishes on its own.
    private func installSignals(control: ServerControl) throws(ServerError) {
        let grace = configuration.grace
        try ShutdownSignals.install { signal in
            control.shutDown(grace: grace, reason: ShutdownSignals.name(signal))
        }
    }

    private func describe<T>(_ body: () throws(SocketError) -> T) throws(ServerError) -> T {
        do { return try body() } catch { throw ServerError("\(error)") }
    }
}
