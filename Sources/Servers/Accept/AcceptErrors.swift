import Glibc
import SocketCore

/// What a failed accept means for an accept loop.
enum AcceptErrors {
    /// What the loop should do next.
    enum Next {
        /// Call accept again.
        case retry
        /// Stop accepting for `AcceptErrors.pause`: out of descriptors with
        /// nothing to shed, or out of memory, accept would fail again at
        /// once, and a listener that stays readable would make a loop spin.
        case pause
    }

    static let pause: Duration = .milliseconds(100)

    /// Logs a failure other than running out of descriptors (at most one
    /// line a second; see `AcceptErrorLog`).
    static func handle(_ error: SocketError) -> Next {
        AcceptErrorLog.shared.note(error, shed: 0)
        return [ENOBUFS, ENOMEM].contains(error.code) ? .pause : .retry
    }

    /// What to do after `shed` waiting connections were closed for `error`
    /// (the clients see a closed connection instead of waiting for ever).
    static func shed(_ shed: Int, after error: SocketError) -> Next {
        AcceptErrorLog.shared.note(error, shed: shed)
        return shed > 0 ? .retry : .pause
    }
}
