import Servers
import SocketCore
import Synchronization

/// `--metrics HOST:PORT`: the server's counters in the Prometheus text
/// format, at `GET /metrics` over HTTP/1.1, served by one thread of its own
/// (`ScrapeLoop`) that reads the scoreboard only when scraped.
///
/// It has no authentication: anyone who can connect can read the counts
/// (never change anything). The default address is loopback; another is the
/// operator's choice.
public final class MetricsEndpoint: ServiceEndpoint {
    public let address: SocketAddress

    private let state = Mutex(State())

    private struct State {
        var listener: Socket?
        var thread: PosixThread.Joinable?
        var stopping = false
    }

    public init(address: SocketAddress) {
        self.address = address
    }

    /// Binds and listens, so that a taken port fails before the server says
    /// it listens.
    public func prepare() throws(ServerError) {
        do {
            let listener = try ServiceBootstrap.listeningSocket(on: address)
            try listener.setNonBlocking(true)
            state.withLock { $0.listener = listener }
        } catch {
            throw ServerError("metrics endpoint \(address): \(error)")
        }
    }

    /// Starts the thread, and writes `metrics on ADDRESS` on standard output
    /// (after the server's `listening on`), so that whoever asked for port 0
    /// learns the port. A daemon's standard output is /dev/null by now:
    /// give it a fixed port.
    public func start(control: ServerControl) throws(ServerError) {
        guard let listener = state.withLock({ $0.listener }) else {
            throw ServerError("metrics endpoint \(address): started before prepare")
        }
        let bound = (try? listener.localAddress) ?? address
        let loop = UncheckedBox(ScrapeLoop(listener: listener, control: control) { [self] in isStopping })
        do {
            let thread = try PosixThread.start { loop.value.run() }
            state.withLock { $0.thread = thread }
        } catch {
            throw ServerError("metrics endpoint \(address): \(error)")
        }
        TextOutput.write("metrics on \(bound)\n", to: 1)
        ServerLog.write("metrics on http://\(bound)/metrics")
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// Stops the thread (shutting the listener down wakes its poll), waits
    /// for it, and closes the listener.
    public func close() {
        let (listener, thread) = state.withLock { state in
            state.stopping = true
            defer {
                state.listener = nil
                state.thread = nil
            }
            return (state.listener, state.thread)
        }
        try? listener?.shutdown(.read)
        thread?.join()
        try? listener?.close()
    }
}

/// Hands the loop, made here and used only by its thread from then on, to
/// that thread.
private final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
