import SocketCore

/// Something that happened during a udpping run, for a `UDPPingReporter`.
public enum UDPPingEvent: Sendable {
    /// The run starts: the host as typed, its address and port.
    case start(host: String, address: SocketAddress)
    /// Probe `sequence` answered in time; `text` is the reply's first line.
    case reply(sequence: UInt64, text: String, roundTrip: Int)
    /// Probe `sequence` got no reply within the timeout.
    case timeout(sequence: UInt64)
    /// A reply to probe `sequence` after its timeout was reported.
    case late(sequence: UInt64, roundTrip: Int)
    /// A further reply to probe `sequence`.
    case duplicate(sequence: UInt64, roundTrip: Int)
    /// A reply naming no probe sent (`sequence` nil: naming none at all),
    /// or, with `mismatched`, naming probe `sequence` but not what it carried.
    case unmatched(sequence: UInt64?, text: String, mismatched: Bool)
    /// An ICMP port unreachable about probe `sequence` (nil: about a probe
    /// no longer waited for).
    case unreachable(sequence: UInt64?)
    /// Probe `sequence` could not be sent.
    case sendFailed(sequence: UInt64, SocketError)
    indirect case summary(UDPPingSummary)
}

/// The end of a run.
public struct UDPPingSummary: Sendable {
    /// The host as typed.
    public var host: String
    public var statistics: UDPPingStatistics
    /// From the first probe to the last one sent, in ms (iputils `time`).
    public var elapsedMilliseconds: Int
    /// 0 when a reply came in time, 1 otherwise.
    public var exitStatus: Int32
}

/// Shows a run's events: text for people, JSON lines for programs.
public protocol UDPPingReporter {
    mutating func report(_ event: UDPPingEvent)
}
