import Glibc

/// What to wait for on a descriptor.
enum Readiness {
    /// Data, a connection to accept, or end-of-file. The C constant is `POLLIN`.
    case readable
    /// Room in the send buffer, or a finished connect. The C constant is `POLLOUT`.
    case writable

    var events: Int16 {
        switch self {
        case .readable: Int16(POLLIN)
        case .writable: Int16(POLLOUT)
        }
    }
}

/// Waits with poll(2) until `descriptor` is ready, or `deadline` passes (nil:
/// no deadline). Returns false on timeout. An error or hang-up on the socket
/// counts as ready: the next call on it reports what happened.
func wait(
    for readiness: Readiness, on descriptor: Int32, until deadline: MonotonicInstant?
) throws(SocketError) -> Bool {
    var entry = pollfd(fd: descriptor, events: readiness.events, revents: 0)
    // The choke point retries EINTR by calling this again, and each try
    // recomputes the time left, so signals cannot stretch the wait.
    let ready = try syscallValue("poll") { Glibc.poll(&entry, 1, milliseconds(until: deadline)) }
    return ready > 0
}

/// The timeout argument of poll(2) for `deadline`: -1 for none, else the
/// milliseconds left, rounded up so that poll never returns just before the
/// deadline and makes us spin.
func milliseconds(until deadline: MonotonicInstant?) -> Int32 {
    guard let deadline else { return -1 }
    let left = MonotonicInstant.now.duration(to: deadline)
    guard left > .zero else { return 0 }
    let (seconds, attoseconds) = left.components
    let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: millis)
}
