/// The counts of a udpping run (64-bit, as `Int` is here) and its round
/// trips, kept in the same `RoundTripStatistics` as icmpping's.
public struct UDPPingStatistics: Sendable {
    /// Probes sent, including any whose send failed (as iputils counts).
    public internal(set) var transmitted = 0
    /// Probes answered in time, each once.
    public internal(set) var received = 0
    /// Replies that came after their probe's timeout: not counted as received.
    public internal(set) var late = 0
    /// Further replies to a probe already answered: not counted.
    public internal(set) var duplicates = 0
    /// Replies naming no probe sent, or not what their probe carried.
    public internal(set) var unmatched = 0
    /// Probes answered by an ICMP port unreachable.
    public internal(set) var errors = 0
    /// The round trips of the probes answered in time (µs).
    public internal(set) var roundTrips = RoundTripStatistics()

    public init() {}

    /// The packet loss in percent: probes sent and not answered in time.
    public var lossPercent: Double {
        transmitted == 0 ? 0 : Double(transmitted - received) * 100 / Double(transmitted)
    }
}
