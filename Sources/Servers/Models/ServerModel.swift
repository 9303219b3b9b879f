import Glibc
import SocketCore

/// The server models `sockworks serve --model` offers, by name.
public enum ServerModel: String, CaseIterable, Sendable {
    case iterative
    case thread
    case select
    case poll
    case fork
    case fork2
    case prefork
    case epoll
    case epollC = "epoll-c"

    /// One line for help texts and logs.
    public var summary: String {
        switch self {
        case .iterative: "one connection at a time"
        case .thread: "a thread per connection"
        case .select: "one thread, select(2), non-blocking sockets"
        case .poll: "one thread, poll(2), non-blocking sockets"
        case .fork: "a process per connection"
        case .fork2: "a process per connection, double-forked"
        case .prefork: "worker processes forked up front, each polling the shared listener"
        case .epoll: "the C core's epoll loop driving Swift sessions, a loop per worker thread"
        case .epollC: "the echo server in C on the core's epoll loop (echo only): the reference"
        }
    }

    /// Whether `--workers` means something for this model.
    public var hasWorkers: Bool { [.prefork, .epoll, .epollC].contains(self) }

    /// The number of workers when none is asked for: one per online CPU
    /// for prefork, one loop for the epoll models.
    public var defaultWorkers: Int { self == .prefork ? Self.defaultWorkers : 1 }

    /// Whether the model's workers share a port through SO_REUSEPORT (the
    /// listener needs the option before it is bound).
    public var needsReusePort: Bool { self == .epoll || self == .epollC }

    /// The number of workers when none is asked for: one per online CPU.
    public static var defaultWorkers: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Runs this model serving `handler` until `control` stops it (see
    /// `StreamServer.run`).
    ///
    /// Each case calls its model's concrete type directly, not through
    /// `any StreamServer`: a call through the existential runs the generic
    /// code unspecialized, and the per-event path then looks up type
    /// metadata at run time.
    /// Called with a concrete handler in the same module (`serveEcho`), or
    /// inlined into the caller's, everything below is specialized.
    @inlinable
    public func serve<Handler: StreamHandler>(
        _ handler: Handler, listener: Socket, control: ServerControl, workers: Int = ServerModel.defaultWorkers
    ) throws(ServerError) {
        switch self {
        case .iterative: try IterativeServer(handler: handler, control: control).run(listener: listener)
        case .thread: try ThreadServer(handler: handler, control: control).run(listener: listener)
        case .select: try SelectServer(handler: handler, control: control).run(listener: listener)
        case .poll: try PollServer(handler: handler, control: control).run(listener: listener)
        case .fork: try ForkServer(handler: handler, control: control).run(listener: listener)
        case .fork2: try ForkServer(handler: handler, control: control, doubleFork: true).run(listener: listener)
        case .prefork:
            try PreforkServer(handler: handler, control: control, workers: workers).run(listener: listener)
        case .epoll:
            try EpollServer(handler: handler, control: control, workers: workers).run(listener: listener)
        case .epollC:
            guard Handler.self == EchoHandler.self else {
                throw ServerError("the epoll-c model serves the echo service only")
            }
            try EpollCServer(control: control, workers: workers).run(listener: listener)
        }
    }

    /// `serve` with the echo handler, specialized here.
    public func serveEcho(listener: Socket, control: ServerControl, workers: Int = ServerModel.defaultWorkers)
        throws(ServerError)
    {
        try serve(EchoHandler(), listener: listener, control: control, workers: workers)
    }
}
