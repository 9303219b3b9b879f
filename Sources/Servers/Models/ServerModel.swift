import Glibc

/// The server models `sockworks serve --model` offers, by name.
public enum ServerModel: String, CaseIterable, Sendable {
    case iterative
    case thread
    case select
    case poll
    case fork
    case fork2
    case prefork

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
        }
    }

    /// Whether `--workers` means something for this model.
    public var hasWorkers: Bool { self == .prefork }

    /// The number of workers when none is asked for: one per online CPU.
    public static var defaultWorkers: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// This model serving `handler`.
    public func server<Handler: StreamHandler>(
        for handler: Handler, control: ServerControl, workers: Int = ServerModel.defaultWorkers
    ) -> any StreamServer {
        switch self {
        case .iterative: IterativeServer(handler: handler, control: control)
        case .thread: ThreadServer(handler: handler, control: control)
        case .select: SelectServer(handler: handler, control: control)
        case .poll: PollServer(handler: handler, control: control)
        case .fork: ForkServer(handler: handler, control: control)
        case .fork2: ForkServer(handler: handler, control: control, doubleFork: true)
        case .prefork: PreforkServer(handler: handler, control: control, workers: workers)
        }
    }
}
