import Glibc
import SocketCore
import Synchronization

/// Reaps ended child processes (the "fireman" of the classic forking
/// server, run on the signal-watcher thread when SIGCHLD arrives instead
/// of in a signal handler) and tells whoever asked.
public final class ChildReaper: Sendable {
    public static let shared = ChildReaper()

    private let observers = Mutex<[@Sendable (pid_t, ChildExit) -> Void]>([])

    /// Runs `observer` for every child reaped from now on (on the watcher
    /// thread; it should only note the fact or wake someone).
    public func observe(_ observer: @escaping @Sendable (pid_t, ChildExit) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Reaps every ended child; children that died of a signal or exited
    /// with a failure are logged.
    public func reap() {
        let ended = Processes.reapEnded()
        guard !ended.isEmpty else { return }
        let observers = observers.withLock { $0 }
        for (pid, exit) in ended {
            if exit != .exited(0) { ServerLog.warning("child process \(pid) ended with \(exit)") }
            for observer in observers { observer(pid, exit) }
        }
    }
}
