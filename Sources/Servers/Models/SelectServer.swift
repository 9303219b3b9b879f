import SocketCore

/// One thread, select(2), non-blocking sockets. A connection whose
/// descriptor is not below FD_SETSIZE (1024) is closed with a log line:
/// select cannot watch it, and `FD_SET` on it would write past the set.
public struct SelectServer<Handler: StreamHandler>: StreamServer {
    public let handler: Handler
    public let control: ServerControl

    public init(handler: Handler, control: ServerControl) {
        self.handler = handler
        self.control = control
    }

    public func run(listener: Socket) throws(ServerError) {
        control.serve(listener: listener)
        var loop = try ReadinessLoop(
            handler: handler, control: control, backend: SelectBackend(), counters: control.counters(ofWorker: 0))
        try loop.run(listener: listener)
    }
}
