import Glibc
import SocketCore
import Synchronization

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
        let running = RunningCount()
        let (handler, control) = (handler, control)
        acceptUntilStopped(listener, control: control) { connection, peer in
            control.track(connection)
            running.add()
            do {
                try PosixThread.startDetached {
                    let buffer = UnsafeMutableRawBufferPointer.allocate(
                        byteCount: BlockingConnection.bufferSize, alignment: 16)
                    BlockingConnection.serve(connection, peer: peer, handler: handler, buffer: buffer)
                    buffer.deallocate()
                    control.untrack(connection)
                    try? connection.close()
                    running.remove()
                }
            } catch {
                // Out of threads (EAGAIN): this client is turned away, the
                // ones being served go on.
                ServerLog.warning("connection from \(peer) refused: \(error)")
                control.untrack(connection)
                try? connection.close()
                running.remove()
            }
        }
        running.waitUntilZero()
    }
}

/// How many connection threads are still serving.
final class RunningCount: Sendable {
    private let count = Mutex(0)

    func add() { count.withLock { $0 += 1 } }
    func remove() { count.withLock { $0 -= 1 } }

    /// Returns when every thread has finished. Only the shutdown waits here,
    /// so checking every 5 ms costs nothing while serving.
    func waitUntilZero() {
        while count.withLock({ $0 }) > 0 { usleep(5000) }
    }
}
