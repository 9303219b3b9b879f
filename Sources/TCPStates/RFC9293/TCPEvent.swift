/// What can happen to a TCP connection: the event categories of RFC 9293
/// section 3.10, user calls, arriving segments and timeouts.
///
/// RECEIVE, STATUS and the retransmission timeout are left out: none of them
/// changes the state, and what they do depends on data this model does not
/// keep.
public enum TCPEvent: Hashable, Sendable, CustomStringConvertible {
    /// OPEN, passive (3.10.1): wait for a peer.
    case passiveOpen
    /// OPEN, active (3.10.1), with the remote socket specified.
    case activeOpen
    /// SEND (3.10.2).
    case send
    /// CLOSE (3.10.4): this side has no more to send.
    case close
    /// ABORT (3.10.5).
    case abort
    /// SEGMENT ARRIVES (3.10.7).
    case segment(TCPSegment)
    /// USER TIMEOUT (3.10.8).
    case userTimeout
    /// TIME-WAIT TIMEOUT (3.10.8): 2 MSL have passed in TIME-WAIT.
    case timeWaitTimeout

    public var description: String {
        switch self {
        case .passiveOpen: "OPEN (passive)"
        case .activeOpen: "OPEN (active)"
        case .send: "SEND"
        case .close: "CLOSE"
        case .abort: "ABORT"
        case .segment(let segment): "segment \(segment)"
        case .userTimeout: "USER TIMEOUT"
        case .timeWaitTimeout: "TIME-WAIT TIMEOUT"
        }
    }
}
