import SocketCore

/// The iterative model: one connection at a time, in the calling thread.
/// The next client waits in the listen backlog until this one is done.
public struct IterativeServer<Handler: StreamHandler>: StreamServer {
    public let handler: Handler
    public let control: ServerControl

    public init(handler: Handler, control: ServerControl) {
        self.handler = handler
        self.control = control
    }

    public func run(listener: Socket) throws(ServerError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BlockingConnection.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        acceptUntilStopped(listener, control: control) { connection, peer, record in
            control.track(connection)
            BlockingConnection.serve(connection, peer: peer, handler: handler, buffer: buffer, record: record)
            control.untrack(connection)
            try? connection.close()
        }
    }
}
