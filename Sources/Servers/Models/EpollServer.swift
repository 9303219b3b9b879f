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
        let listeners = try EpollWorkers.listeners(sharing: listener, workers: workers, model: "epoll")
        let wakers = Mutex<[EventLoop.Waker]>([])
        control.whenStopping { for waker in wakers.withLock({ $0 }) { waker.wake() } }
        let (handler, control) = (handler, control)
        defer { for extra in listeners.dropFirst() { try? extra.close() } }
        try EpollWorkers.run(listeners.count) { index in
            do {
                let loop = try EventLoop()
                var worker = EpollWorker(handler: handler, control: control, loop: loop, listener: listeners[index])
                wakers.withLock { $0.append(loop.waker) }
                // A stop that came before the waker was known is seen here.
                if control.isStopping { loop.waker.wake() }
                return try worker.run()
            } catch {
                return ServerError("epoll: \(error)")
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
        let reserve = try? AcceptReserve()
        deinit { buffer.deallocate() }
    }

    init(handler: Handler, control: ServerControl, loop: EventLoop, listener: Socket) {
        self.handler = handler
        self.control = control
        self.loop = loop
        self.listener = listener
        self.state = State()
    }

    consuming func run() throws -> ServerError? {
        try listener.setNonBlocking(true)
        let descriptor = listener.withUnsafeFileDescriptor { $0 }
        let (loop, state, listener, control, handler) = (loop, state, listener, control, handler)
        state.listenerWatch = try loop.watch(descriptor, for: .readable) { _ in
            Self.acceptPending(loop: loop, state: state, listener: listener, control: control, handler: handler)
        }
        loop.onWake {
            Self.stopAcceptingIfStopped(loop: loop, state: state, control: control)
        }
        try loop.run()
        return nil
    }

    static func stopAcceptingIfStopped(loop: EventLoop, state: State, control: ServerControl) {
        guard control.isStopping else { return }
        if let watch = state.listenerWatch {
            loop.unwatch(watch)
            state.listenerWatch = nil
        }
        if state.connections.isEmpty { loop.waker.stop() }
    }

    static func acceptPending(loop: EventLoop, state: State, listener: Socket, control: ServerControl, handler: Handler) {
        for _ in 0..<64 {
            let accepted: (socket: Socket, peer: SocketAddress)
            do {
                guard let connection = try listener.acceptWithPeer(nonBlocking: true).value else { return }
                accepted = connection
            } catch {
                if control.isStopping {
                    stopAcceptingIfStopped(loop: loop, state: state, control: control)
                } else {
                    AcceptErrors.handle(error, listener: listener, reserve: state.reserve)
                }
                return
            }
            let descriptor = accepted.socket.withUnsafeFileDescriptor { $0 }
            let connection = StreamConnection(socket: accepted.socket, descriptor: descriptor, peer: accepted.peer,
                                              session: handler.open(peer: accepted.peer))
            do {
                var id: EventLoop.ID = 0
                id = try loop.watch(descriptor, for: .readable) { _ in
                    let next = connection.interest == .write
                        ? connection.writable()
                        : connection.readable(buffer: state.buffer, scratch: &state.scratch)
                    update(connection, id: id, to: next, loop: loop, state: state, control: control)
                }
                state.connections[id] = connection
                control.track(accepted.socket)
            } catch {
                ServerLog.warning("epoll: cannot watch the connection from \(accepted.peer): \(error)")
                try? accepted.socket.close()
            }
        }
    }

    static func update(_ connection: StreamConnection<Handler.Session>, id: EventLoop.ID, to interest: Interest,
                       loop: EventLoop, state: State, control: ServerControl) {
        switch interest {
        case .read, .write:
            guard interest != connection.interest else { return }
            connection.interest = interest
            do {
                try loop.modify(id, to: interest == .write ? .writable : .readable)
            } catch {
                update(connection, id: id, to: .close, loop: loop, state: state, control: control)
            }
        case .close:
            loop.unwatch(id)
            state.connections.removeValue(forKey: id)
            control.untrack(connection.socket)
            try? connection.socket.close()
            if control.isStopping && state.connections.isEmpty && state.listenerWatch == nil { loop.waker.stop() }
        }
    }
}
