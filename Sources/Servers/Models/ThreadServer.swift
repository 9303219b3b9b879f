import SocketCore

/// The classic threaded server: the calling thread accepts, and each
/// connection gets a thread of its own that serves it with blocking calls.
public struct ThreadServer<Handler: StreamHandler>: StreamServer {
    public let handler: Handler
    public let control: ServerControl

    public init(handler: Handler, control: ServerControl) {
        self.handler = handler
        self.control = control
    }

    public func run(listener: Socket) throws(ServerError) {
        let handler = handler
        ThreadPerConnection.serveCounted(listener: listener, control: control) { connection, peer, record in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BlockingConnection.bufferSize, alignment: 16)
            defer { buffer.deallocate() }
            BlockingConnection.serve(connection, peer: peer, handler: handler, buffer: buffer, record: record)
        }
    }
}
