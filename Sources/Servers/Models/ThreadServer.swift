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
        control.serve(listener: listener)
        AcceptReserve.shared.prepare()
        let running = RunningCount()
        while !control.isStopping {
            let accepted: (socket: Socket, peer: SocketAddress)
            do {
                guard let connection = try listener.acceptWithPeer().value else { continue }
                accepted = connection
            } catch {
                if control.isStopping { break }
                AcceptErrors.handleBlocking(error, listener: listener)
                continue
            }
            control.track(accepted.socket)
            running.add()
            let (handler, control) = (handler, control)
            do {
                try PosixThread.startDetached {
                    let buffer = UnsafeMutableRawBufferPointer.allocate(
                        byteCount: BlockingConnection.bufferSize, alignment: 16)
                    BlockingConnection.serve(accepted.socket, peer: accepted.peer, handler: handler, buffer: buffer)
                    buffer.deallocate()
                    control.untrack(accepted.socket)
                    try? accepted.socket.close()
                    running.remove()
                }
            } catch {
                // Out of threads (EAGAIN): this client is turned away, the
                // ones being served go on.
                ServerLog.warning("connection from \(accepted.peer) refused: \(error)")
                control.untrack(accepted.socket)
                try? accepted.socket.close()
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
