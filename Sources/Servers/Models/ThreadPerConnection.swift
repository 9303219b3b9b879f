import SocketCore

/// The thread model's machinery for any per-connection body: the calling
/// thread accepts until `control` stops (through `Acceptor`, which sheds
/// when descriptors run out), each connection is served by `body` on a
/// detached thread of its own, tracked by `control` (so the grace period can
/// end it) and closed when `body` returns; then the call waits for the last
/// thread. `ThreadServer` runs sessions with it, the textbook's `TCPServer`
/// its handlers.
public enum ThreadPerConnection {
    public static func serve(
        listener: Socket, control: ServerControl, _ body: @escaping @Sendable (Socket, SocketAddress) -> Void
    ) {
        serveCounted(listener: listener, control: control) { connection, peer, record in
            body(connection, peer)
            record?.end(byError: false)
        }
    }

    /// `serve` for a body that counts its connection in the record it is
    /// given (and ends it).
    static func serveCounted(
        listener: Socket, control: ServerControl,
        _ body: @escaping @Sendable (Socket, SocketAddress, ConnectionRecord?) -> Void
    ) {
        let running = RunningCount()
        acceptUntilStopped(listener, control: control) { connection, peer, record in
            control.track(connection)
            running.add()
            do {
                try PosixThread.startDetached {
                    body(connection, peer, record)
                    control.untrack(connection)
                    if connection.isOpen { try? connection.close() }
                    running.remove()
                }
            } catch {
                // Out of threads (EAGAIN): this client is turned away, the
                // ones being served go on.
                ServerLog.warning("connection from \(peer) refused: \(error)")
                record?.end(byError: true)
                control.untrack(connection)
                try? connection.close()
                running.remove()
            }
        }
        running.waitUntilZero()
    }
}
