import SocketCore

/// When each heartbeat goes out: heartbeat k (from 1) at `start + (k − 1) ×
/// interval` on the monotonic clock. Deadlines are computed from the start,
/// not by sleeping an interval after each send, so the time a send takes
/// (and a late wake-up) never adds up into drift: after an hour at one
/// second the thousand-and-first heartbeat still leaves on its second.
///
/// A sender that falls behind (a stopped process, a slow write) sends the
/// heartbeats it owes at once, in order and with their own numbers: a
/// monitor then sees them late, never as lost.
public struct HeartbeatSchedule: Sendable {
    public let start: MonotonicInstant
    public let interval: Duration

    public init(start: MonotonicInstant, interval: Duration) {
        precondition(interval > .zero, "a heartbeat interval must be positive")
        self.start = start
        self.interval = interval
    }

    /// When heartbeat `sequence` is due.
    public func deadline(of sequence: UInt64) -> MonotonicInstant {
        start + interval * Double(sequence - 1)
    }
}
