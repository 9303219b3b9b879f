import CSystemShims
import Glibc

/// Which side of a fork(2) the caller is on.
public enum ForkSide: Sendable, Equatable {
    case parent(child: pid_t)
    case child
}

/// How a child process ended (waitpid(2) status).
public enum ChildExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(status: Int32) {
        // WIFEXITED/WEXITSTATUS/WTERMSIG are macros: glibc's bits/waitstatus.h.
        self = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signaled(let signal): "signal \(signal)"
        }
    }
}

/// The process calls servers need: fork, wait, signal, exit. They go
/// through the same choke point as the socket calls. To run another
/// program, use `SpawnedProcess` (posix_spawn), not fork and exec.
public enum Processes {
    /// fork(2). The child has only the calling thread: until it execs or
    /// exits it must not wait for anything another thread of the parent held.
    /// Our servers fork from their accept loop with only the signal-watcher
    /// thread beside it, which holds no lock while it waits and does its
    /// work in `withoutForking`: a fork waits for that work to finish.
    public static func fork() throws(SocketError) -> ForkSide {
        ForkGate.shared.lock()
        let pid: pid_t
        do {
            pid = try syscallValue("fork") { Glibc.fork() }
        } catch {
            ForkGate.shared.unlock()
            throw error
        }
        ForkGate.shared.unlock()
        return pid == 0 ? .child : .parent(child: pid)
    }

    /// Runs `body` with no fork under way or starting (ForkGate says why):
    /// for the work of a thread beside one that forks.
    public static func withoutForking<Result>(_ body: () throws -> Result) rethrows -> Result {
        ForkGate.shared.lock()
        defer { ForkGate.shared.unlock() }
        return try body()
    }

    /// Ends the process at once with `status`, without running atexit
    /// handlers or flushing stdio buffers the parent also holds (_exit(2)):
    /// how a forked child that served its connection must leave.
    public static func exitNow(_ status: Int32) -> Never { Glibc._exit(status) }

    /// Unblocks every signal in the calling thread. A forked child inherits
    /// the parent's mask, where the servers block SIGINT and SIGTERM for their
    /// signal-watcher thread, which the child does not have; unblocked, the
    /// default action (terminate) applies again.
    public static func unblockAllSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
    }

    /// Waits for `child` to end (waitpid(2)).
    @discardableResult
    public static func wait(for child: pid_t) throws(SocketError) -> ChildExit {
        var status: Int32 = 0
        _ = try syscallValue("waitpid", "\(child)") { waitpid(child, &status, 0) }
        return ChildExit(status: status)
    }

    /// Reaps every child of the caller's process group that has ended,
    /// without waiting (waitpid(2) of 0 with `WNOHANG` until none is left),
    /// and returns them. Forked children share the server's group and are
    /// reaped here; programs started with `SpawnedProcess` run in groups of
    /// their own and are left to their owners, whose `wait` or `tryWait`
    /// must find the status (a CGI script's session reaps its own).
    public static func reapEnded() -> [(pid: pid_t, exit: ChildExit)] {
        var ended: [(pid: pid_t, exit: ChildExit)] = []
        while true {
            var status: Int32 = 0
            // 0: children remain, none has ended; ECHILD (thrown): none remain.
            guard let pid = try? syscallValue("waitpid", nil, { waitpid(0, &status, WNOHANG) }), pid > 0 else {
                return ended
            }
            ended.append((pid, ChildExit(status: status)))
        }
    }

    /// Sends `signal` to `process` (kill(2)). A process that has already
    /// ended (ESRCH) is not an error.
    public static func send(_ signal: Int32, to process: pid_t) {
        _ = Glibc.kill(process, signal)
    }

    /// Makes this process the reaper of its orphaned descendants
    /// (PR_SET_CHILD_SUBREAPER, prctl(2)): a grandchild whose parent exits is
    /// re-parented here instead of to init, so it is still ours to reap and
    /// to wait for at shutdown.
    public static func becomeSubreaper() throws(SocketError) {
        _ = try syscallValue("prctl", "PR_SET_CHILD_SUBREAPER") { fromNegativeErrno(shim_set_child_subreaper()) }
    }

    /// The children of this process, alive or not yet reaped, read from
    /// /proc/self/task/*/children (proc(5)): a child belongs to the thread
    /// that forked it, and re-parented orphans to any thread.
    public static func children() -> [pid_t] {
        ProcFS.numericEntries("/proc/self/task").flatMap { task in
            (ProcFS.read("/proc/self/task/\(task)/children") ?? "").split(separator: " ").compactMap {
                pid_t($0.trimmingSpaces)
            }
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return text
    }
}
