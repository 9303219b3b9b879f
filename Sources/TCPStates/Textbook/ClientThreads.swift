import Glibc
import SocketCore
import Synchronization

/// The clients `TCPServer` is serving, each on a detached thread of its
/// own, counted so that `establishConnection` can wait for the last one.
final class ClientThreads: Sendable {
    private let running = Mutex(0)

    /// Serves `client` on a new thread: runs `handler`, reports what it
    /// threw, and closes the socket unless the handler already did. When no
    /// thread can be made (EAGAIN), this client is turned away and the ones
    /// being served go on.
    func serve(_ client: Socket, peer: SocketAddress, with handler: @escaping TCPServer.Handler) {
        running.withLock { $0 += 1 }
        do {
            try PosixThread.startDetached { [self] in
                do {
                    try handler(client, peer)
                } catch {
                    Self.report("client \(peer): \(error)")
                }
                Self.close(client, peer: peer)
                running.withLock { $0 -= 1 }
            }
        } catch {
            Self.report("client \(peer) turned away: \(error)")
            Self.close(client, peer: peer)
            running.withLock { $0 -= 1 }
        }
    }

    /// Returns when every handler has returned. Only closing waits here, so
    /// looking every millisecond costs nothing while serving.
    func waitUntilAllFinished() {
        while running.withLock({ $0 }) > 0 { usleep(1000) }
    }

    private static func close(_ client: Socket, peer: SocketAddress) {
        guard client.isOpen else { return }
        do { try client.close() } catch { report("client \(peer): \(error)") }
    }

    /// One line on standard error, the textbook's `perror` (the handler's
    /// failure ends that client only).
    private static func report(_ line: String) {
        TextOutput.write("TCPServer: \(line)\n", to: STDERR_FILENO)
    }
}
