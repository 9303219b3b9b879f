import SocketCore
import Synchronization

/// The C core's epoll loop driving Swift sessions: one loop per worker
/// thread, each on its own SO_REUSEPORT listener (`--workers`). The
/// connections are the same `StreamConnection`s the select and poll models
/// drive; only the readiness mechanism differs, and EPOLLOUT is armed only
/// while a connection has output queued.
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
        // The workers' loops, for the stop hook on the signal thread. A worker
        // takes its loop out before the loop is freed, and the hook wakes
        // them under the same lock, so it never wakes a freed loop.
        let wakers = Mutex<[Int: EventLoop.Waker]>([:])
        control.whenStopping { wakers.withLock { for waker in $0.values { waker.wake() } } }
        let (handler, control) = (handler, control)
        defer { for extra in listeners.dropFirst() { try? extra.close() } }
        try EpollWorkers.run(listeners.count) { index in
            do {
                let loop = try EventLoop()
                let worker = EpollWorker(handler: handler, control: control, loop: loop, listener: listeners[index])
                wakers.withLock { $0[index] = loop.waker }
                defer { wakers.withLock { $0[index] = nil } }
                // A stop that came before the waker was known is seen here.
                if control.isStopping { loop.waker.wake() }
                return try worker.run()
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

/// One worker's loop: accepts on its listener, drives its connections.
struct EpollWorker<Handler: StreamHandler>: ~Copyable {
    let handler: Handler
    let control: ServerControl
    let loop: EventLoop
    let listener: Socket
    let state: State

    final class State {
        var connections: [EventLoop.ID: StreamConnection<Handler.Session>] = [:]
        var listenerWatch: EventLoop.ID?
        var scratch: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 64)
        deinit { buffer.deallocate() }
    }

    init(handler: Handler, control: ServerControl, loop: EventLoop, listener: Socket) {
        self.handler = handler
        self.control = control
        self.loop = loop
        self.listener = listener
        self.state = State()
    }

    /// Runs the loop until the stop and the last connection. The closures
    /// the loop keeps hold it `unowned`: the loop owns them, and a strong
    /// reference back would keep both alive after the run.
    consuming func run() throws -> ServerError? {
        try listener.setNonBlocking(true)
        let context = Context(loop: loop, state: state, listener: listener, control: control, handler: handler)
        try context.watchListener()
        loop.onWake { [unowned loop] in
            Self.stopAcceptingIfStopped(Context(loop: loop, state: context.state, listener: context.listener,
                                                control: context.control, handler: context.handler))
        }
        try loop.run()
        return nil
    }

    /// What the callbacks work with; `loop` is unowned (see `run`).
    struct Context {
        unowned let loop: EventLoop
        let state: State
        let listener: Socket
        let control: ServerControl
        let handler: Handler

        func watchListener() throws(SocketError) {
            let descriptor = listener.withUnsafeFileDescriptor { $0 }
            let context = self
            state.listenerWatch = try loop.watch(descriptor, for: .readable) { _ in EpollWorker.acceptPending(context) }
        }
    }

    static func stopAcceptingIfStopped(_ c: Context) {
        guard c.control.isStopping else { return }
        if let watch = c.state.listenerWatch {
            c.loop.unwatch(watch)
            c.state.listenerWatch = nil
        }
        if c.state.connections.isEmpty { c.loop.waker.stop() }
    }

    /// Out of descriptors with nothing to shed: stop watching the listener
    /// for a moment instead of spinning on it.
    static func pauseAccepting(_ c: Context) {
        guard let watch = c.state.listenerWatch else { return }
        c.loop.unwatch(watch)
        c.state.listenerWatch = nil
        _ = try? c.loop.timer(after: AcceptErrors.pause) {
            guard !c.control.isStopping, c.state.listenerWatch == nil else { return }
            do { try c.watchListener() } catch { ServerLog.warning("epoll: cannot watch the listener again: \(error)") }
        }
    }

    static func acceptPending(_ c: Context) {
        for _ in 0..<64 {
            // Through the process's reserve: the workers' threads accept
            // concurrently, and a shed must not lose its slot to them.
            let accepted: (socket: Socket, peer: SocketAddress)
            switch AcceptReserve.shared.accept(on: c.listener) {
            case .accepted(let socket, let peer):
                accepted = (socket, peer)
            case .none:
                return
            case .shed(let count, let error):
                if case .pause = AcceptErrors.shed(count, after: error) { pauseAccepting(c) }
                return
            case .failed(let error):
                if c.control.isStopping {
                    stopAcceptingIfStopped(c)
                } else if case .pause = AcceptErrors.handle(error, listener: c.listener) {
                    pauseAccepting(c)
                }
                return
            }
            let descriptor = accepted.socket.withUnsafeFileDescriptor { $0 }
            let connection = StreamConnection(socket: accepted.socket, descriptor: descriptor, peer: accepted.peer,
                                              session: c.handler.open(peer: accepted.peer))
            do {
                let watch = WatchID()
                watch.id = try c.loop.watch(descriptor, for: .readable) { _ in
                    let next = connection.interest == .write
                        ? connection.writable()
                        : connection.readable(buffer: c.state.buffer, scratch: &c.state.scratch)
                    update(connection, id: watch.id, to: next, c)
                }
                c.state.connections[watch.id] = connection
                c.control.track(accepted.socket)
            } catch {
                ServerLog.warning("epoll: cannot watch the connection from \(accepted.peer): \(error)")
                try? accepted.socket.close()
            }
        }
    }

    /// A connection's registration id, known once `watch` has returned.
    final class WatchID {
        var id: EventLoop.ID = 0
    }

    static func update(_ connection: StreamConnection<Handler.Session>, id: EventLoop.ID, to interest: Interest,
                       _ c: Context) {
        switch interest {
        case .read, .write:
            guard interest != connection.interest else { return }
            connection.interest = interest
            do {
                try c.loop.modify(id, to: interest == .write ? .writable : .readable)
            } catch {
                update(connection, id: id, to: .close, c)
            }
        case .close:
            c.loop.unwatch(id)
            c.state.connections.removeValue(forKey: id)
            c.control.untrack(connection.socket)
            try? connection.socket.close()
            if c.control.isStopping && c.state.connections.isEmpty && c.state.listenerWatch == nil {
                c.loop.waker.stop()
            }
        }
    }
}
