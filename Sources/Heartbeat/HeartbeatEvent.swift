import SocketCore

/// What the monitor reports, one line (or one JSON object) each.
public struct HeartbeatEvent: Equatable, Sendable {
    /// The client's name in events: its ID, else its address.
    public var client: String
    /// The address the client's last datagram came from.
    public var address: SocketAddress
    /// When the monitor saw it happen, on the wall clock.
    public var time: UnixTime
    public var kind: Kind

    public init(client: String, address: SocketAddress, time: UnixTime, kind: Kind) {
        self.client = client
        self.address = address
        self.time = time
        self.kind = kind
    }

    public enum Kind: Equatable, Sendable {
        /// A heartbeat newer than any before it. `delay` is its arrival time
        /// minus the TIME it carries: the one-way delay only when both clocks
        /// are the same one (client and monitor on one host) or synchronised
        /// (NTP, PTP); otherwise it includes the clocks' offset, and may be
        /// negative.
        case heartbeat(sequence: UInt64, delayMicroseconds: Int64)
        /// The sequence numbers a gap skipped (always a run of consecutive
        /// ones: heartbeats are numbered one by one).
        case lost(sequences: ClosedRange<UInt64>)
        /// A heartbeat seen before.
        case duplicate(sequence: UInt64)
        /// A heartbeat that arrived after it had been reported lost; the
        /// client's loss no longer counts it.
        case reordered(sequence: UInt64, delayMicroseconds: Int64)
        /// The sequence went back (to 1, or to `sequence` when the new run's
        /// first heartbeats were lost): the client started again. `after` is
        /// the highest number its previous run reached.
        case restarted(sequence: UInt64, after: UInt64)
        /// Nothing from the client for `silence`, which reached its
        /// dead-after time `deadAfter`.
        case stopped(lastSequence: UInt64, silence: Duration, deadAfter: Duration)
        /// The client's figures, at the monitor's stop.
        case summary(ClientSummary)
    }

    /// The event's name in JSON and text: `heartbeat`, `lost`, ...
    public var name: String {
        switch kind {
        case .heartbeat: "heartbeat"
        case .lost: "lost"
        case .duplicate: "duplicate"
        case .reordered: "reordered"
        case .restarted: "restarted"
        case .stopped: "stopped"
        case .summary: "summary"
        }
    }
}

/// A client's counts over the monitor's run (all its restarts included).
public struct ClientSummary: Equatable, Sendable {
    /// Distinct heartbeats that arrived, the reordered ones included.
    public var received: UInt64 = 0
    /// Heartbeats reported lost that never arrived.
    public var lost: UInt64 = 0
    public var duplicates: UInt64 = 0
    public var reordered: UInt64 = 0
    public var restarts: UInt64 = 0
    /// Times the client was declared stopped.
    public var stops: UInt64 = 0

    public init() {}

    /// Lost over lost and received, in percent (0 with nothing expected).
    public var lossPercent: Double {
        let expected = received + lost
        return expected == 0 ? 0 : Double(lost) * 100 / Double(expected)
    }
}
