import Glibc
import SocketCore

/// What a failed accept(2) means for an accept loop that should go on.
enum AcceptFailure {
    /// The connection went away while it waited, or Linux passed on an
    /// error pending on it (accept(2), "Error handling"): take the next one.
    case retry
    /// EMFILE or ENFILE: close waiting connections with the spare
    /// descriptor (`AcceptReserve`), or pause when there are none.
    case outOfDescriptors
    /// Out of memory: accept would fail again at once, so wait a little
    /// rather than spin on a listener that stays readable.
    case pause
    /// Anything else: the listener itself is wrong.
    case fatal

    static let pauseMicroseconds: UInt32 = 100_000

    init(_ error: SocketError) {
        if AcceptReserve.isOutOfDescriptors(error) {
            self = .outOfDescriptors
        } else if [ENOBUFS, ENOMEM].contains(error.code) {
            self = .pause
        } else if Self.passedOn.contains(error.code) {
            self = .retry
        } else {
            self = .fatal
        }
    }

    /// ECONNABORTED and EPROTO concern the connection being accepted, as do
    /// the network errors accept(2) says to treat like EAGAIN; EPERM is a
    /// firewall rule refusing it.
    private static let passedOn: Set<Int32> = [
        ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP,
        ENETUNREACH, EINTR,
    ]
}
