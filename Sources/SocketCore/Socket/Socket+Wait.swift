import Glibc

/// How a wait for readiness ended.
public enum WaitOutcome: Sendable, Equatable {
    /// Something can be read (or an error is queued: the next receive says).
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
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
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
