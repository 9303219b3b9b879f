import Glibc

/// How a wait for readiness ended.
public enum WaitOutcome: Sendable, Equatable {
    /// The socket is ready (or an error is queued: the next call says).
    case ready
    case timedOut
    /// A signal arrived; the caller decides whether to wait again.
    case interrupted
}

extension Socket {
    /// Waits with poll(2) until the socket is readable, `deadline` passes
    /// (nil: none), or a signal arrives. Unlike the other calls, `EINTR` is
    /// not retried: a program that stops on SIGINT must see it at once.
    /// `POLLERR` (an entry on the error queue) counts as ready.
    public func waitUntilReadable(until deadline: MonotonicInstant?) throws(SocketError) -> WaitOutcome {
        try waitUntil(.readable, deadline: deadline)
    }

    /// Waits with poll(2) until the send buffer has room, `deadline` passes
    /// (nil: none), or a signal arrives (`EINTR` is not retried, as for
    /// `waitUntilReadable(until:)`). An error or a hang-up counts as ready:
    /// the next send reports it.
    public func waitUntilWritable(until deadline: MonotonicInstant?) throws(SocketError) -> WaitOutcome {
        try waitUntil(.writable, deadline: deadline)
    }

    private func waitUntil(_ readiness: Readiness, deadline: MonotonicInstant?) throws(SocketError) -> WaitOutcome {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            var entry = pollfd(fd: descriptor, events: readiness.events, revents: 0)
            let result = try syscall("poll", interrupt: .wouldBlock, wouldBlock: []) {
                Glibc.poll(&entry, 1, milliseconds(until: deadline))
            }
            switch result {
            case .wouldBlock: return .interrupted
            case .processed(let count): return count > 0 ? .ready : .timedOut
            }
        }
    }
}
