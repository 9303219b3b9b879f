import Glibc
import SocketCore

/// SIGINT and SIGTERM (and SIGCHLD), delivered to a thread of ours instead
/// of a handler.
///
/// `install` sets the process's signal mask to exactly these three, blocked
/// (clearing whatever mask the parent left us: a child of some test runners
/// starts with SIGTERM blocked and would never stop), then a watcher thread
/// takes them with sigwait(2), outside any signal handler, so it may lock,
/// log and shut sockets down: SIGINT and SIGTERM go to `onSignal`, SIGCHLD
/// reaps ended children (`ChildReaper`), so that the forking models leave no
/// zombie. It must run before the process starts other threads, which
/// inherit the mask.
public enum ShutdownSignals {
    public static func install(onSignal: @escaping @Sendable (Int32) -> Void) throws(ServerError) {
        let watched = try block()
        do {
            try PosixThread.startDetached {
                var set = watched
                while true {
                    var signal: Int32 = 0
                    guard sigwait(&set, &signal) == 0 else { continue }
                    // Not while the accept loop forks: a child would inherit
                    // any lock this thread held then (Processes.fork).
                    Processes.withoutForking {
                        if signal == SIGCHLD {
                            ChildReaper.shared.reap()
                        } else {
                            onSignal(signal)
                        }
                    }
                }
            }
        } catch {
            throw ServerError("\(error)")
        }
    }

    /// The mask and SIGPIPE of `install`, without the watcher thread: for a
    /// server that must not die of SIGTERM between telling the world where
    /// it listens and starting the watcher (which a daemon may only do
    /// after it has detached). The signals stay pending until `install`.
    @discardableResult
    public static func block() throws(ServerError) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGCHLD)
        do {
            try SystemCall.returningErrno("pthread_sigmask", "SIG_SETMASK") { pthread_sigmask(SIG_SETMASK, &set, nil) }
        } catch {
            throw ServerError("\(error)")
        }
        // A peer that vanishes must not kill the server: sends use
        // MSG_NOSIGNAL, and stdout writes get EPIPE instead of SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        return set
    }

    /// "SIGINT", "SIGTERM" for log lines.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}
