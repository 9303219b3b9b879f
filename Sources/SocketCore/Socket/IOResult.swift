/// The outcome of a call that may have to wait: it either did its work, or the
/// socket is not ready (non-blocking mode, or a send/receive timeout expired).
///
/// Would-block is a value, not an error: event loops expect it all the time.
public enum IOResult<Value> {
    /// The call completed with this value (a byte count, a new socket ...).
    case processed(Value)
    /// The kernel said `EAGAIN`/`EWOULDBLOCK` (or `EINPROGRESS` for connect).
    case wouldBlock

    /// The value, or nil when the call would have blocked.
    public var value: Value? {
        if case .processed(let value) = self { value } else { nil }
    }
}

extension IOResult: Sendable where Value: Sendable {}
extension IOResult: Equatable where Value: Equatable {}
