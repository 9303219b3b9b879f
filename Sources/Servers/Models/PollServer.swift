import SocketCore

/// One thread, poll(2), non-blocking sockets: no FD_SETSIZE limit, and the
/// kernel walks only the watched descriptors.
public struct PollServer<Handler: StreamHandler>: StreamServer {
    public let handler: Handler
    public let control: ServerControl

    public init(handler: Handler, control: ServerControl) {
        self.handler = handler
        self.control = control
    }

    public func run(listener: Socket) throws(ServerError) {
        control.serve(listener: listener)
        var loop = try ReadinessLoop(
            handler: handler, control: control, backend: PollBackend(), counters: control.counters(ofWorker: 0))
        try loop.run(listener: listener)
    }
}
