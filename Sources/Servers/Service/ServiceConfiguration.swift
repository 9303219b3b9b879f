import SocketCore

/// What a service needs to be brought up: where it listens, and how it runs
/// (in the foreground or as a daemon, with a pid file, logging to syslog).
/// Every `sockworks serve` command fills one from its options.
public struct ServiceConfiguration: Sendable {
    /// Stream (TCP, UNIX stream) or datagram (UDP, UNIX datagram).
    public enum Transport: Sendable {
        case stream
        case datagram
    }

    /// For log lines: "echo server".
    public var name: String
    public var address: SocketAddress
    public var transport: Transport
    /// Set SO_REUSEPORT before binding, so that further listeners (the
    /// epoll models' workers) can bind the same port.
    public var reusePort = false
    /// Set TCP_NODELAY on the listener, which its connections inherit: a
    /// response's last segment goes out at once instead of waiting for the
    /// peer's acknowledgement of the one before (Nagle), which a large file
    /// sent in pieces would otherwise do at the end of every piece.
    public var noDelay = false
    /// How long open connections get to finish after SIGINT or SIGTERM.
    public var grace: Duration = .seconds(5)
    public var daemon = false
    public var pidFile: String?
    /// Log through syslog(3) under this name (nil: standard error).
    public var syslogIdent: String?
    /// The first word of the line that reports a daemon which stopped
    /// before serving.
    public var programName = "sockworks"

    /// What the scoreboard names as the model (its `model` field) and how
    /// many workers it counts for. The server counts only when an endpoint
    /// reads the counts; with none, it makes no scoreboard at all.
    public var counting: Counting?
    /// Served beside the protocol (`--control`, `--metrics`); a service with
    /// any counts, since that is what they report.
    public var endpoints: [any ServiceEndpoint] = []

    public struct Counting: Sendable {
        public var model: String
        public var workers: Int
        public init(model: String, workers: Int) {
            self.model = model
            self.workers = workers
        }
    }

    public init(name: String, address: SocketAddress, transport: Transport) {
        self.name = name
        self.address = address
        self.transport = transport
    }
}
