import SocketCore
import Synchronization

/// How many threads (connections', workers') are still running.
final class RunningCount: Sendable {
    private let count = Mutex(0)

    func add() { count.withLock { $0 += 1 } }
    func remove() { count.withLock { $0 -= 1 } }

    /// Returns when every thread has finished. Only the shutdown waits here,
    /// so checking every 5 ms costs nothing while serving.
    func waitUntilZero() {
        while count.withLock({ $0 }) > 0 { Pause.sleep(for: .milliseconds(5)) }
    }
}
