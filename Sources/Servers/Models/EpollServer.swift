import SocketCore

/// The C core's epoll loop driving Swift sessions: one `ReadinessLoop` over
/// an `EpollBackend` per worker thread, each on its own SO_REUSEPORT listener
/// (`--workers`). The connections are the same `StreamConnection`s the
/// select and poll models drive; only the readiness mechanism differs, and
/// EPOLLOUT is armed only while a connection has output queued.
public struct EpollServer<Handler: StreamHandler>: StreamServer {
    public let handler: Handler
    public let control: ServerControl
    public let workers: Int

    public init(handler: Handler, control: ServerControl, workers: Int = 1) {
        self.handler = handler
        self.control = control
        self.workers = workers
    }

    public func run(listener: Socket) throws(ServerError) {
        control.serve(listener: listener)
        AcceptReserve.shared.prepare()
        let listeners = try EpollWorkers.listeners(sharing: listener, workers: workers, model: "epoll")
        let (handler, control) = (handler, control)
        defer { for extra in listeners.dropFirst() { try? extra.close() } }
        try EpollWorkers.run(listeners.count) { index in
            do throws(ServerError) {
                let backend: EpollBackend
                do { backend = try EpollBackend() } catch { throw ServerError("epoll: \(error)") }
                var loop = try ReadinessLoop(
                    handler: handler, control: control, backend: backend, counters: control.counters(ofWorker: index))
                try loop.run(listener: listeners[index])
                return nil
            } catch {
                // A worker that cannot run must not leave its listener open
                // with nobody accepting (the kernel would keep routing
                // connections to it): the whole server stops instead.
                control.stop()
                return ServerError("epoll worker \(index): \(error)")
            }
        }
    }
}
