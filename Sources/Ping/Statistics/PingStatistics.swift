/// The counters and round-trip sums of one ping run, kept as iputils
/// `ping_common.c` keeps them (`gather_statistics`, `finish`), so that the
/// summary it prints is the one iputils prints for the same replies.
///
/// Round trips are whole microseconds, as iputils' `timeval` arithmetic
/// gives them.
public struct PingStatistics: Sendable {
    /// Probes sent (including those whose send failed: iputils counts them).
    public private(set) var transmitted = 0
    /// Distinct sequence numbers answered with a valid checksum.
    public private(set) var received = 0
    /// Replies for a sequence number already answered.
    public private(set) var duplicates = 0
    /// Replies whose ICMP checksum did not verify: never counted as received.
    public private(set) var corrupted = 0
    /// ICMP errors about our probes (unreachable, time exceeded ...).
    public private(set) var errors = 0

    /// The round trips (µs), duplicates included, as in iputils.
    public private(set) var roundTrips = RoundTripStatistics()
    /// The highest number of probes seen in flight at once (iputils `pipe`).
    public private(set) var pipeSize = -1
    /// The last sequence number acknowledged, for `inFlight`.
    private var acknowledged: UInt16 = 0
    private var answered = ReceivedTable()

    public init() {}

    /// Whether a reply was new, a duplicate, or corrupted.
    public enum ReplyKind: Sendable, Equatable {
        case fresh, duplicate, corrupted
    }

    /// Call before sending probe `sequence`: forgets an answer from 65536
    /// probes ago, so its new reply is not taken for a duplicate.
    public mutating func willSend(_ sequence: UInt16) {
        answered.remove(sequence)
    }

    /// Counts a probe as sent (or as attempted: iputils counts failed sends).
    public mutating func didSend() {
        transmitted += 1
        // After 32768 unanswered probes, the acknowledged mark is stale.
        if UInt16(truncatingIfNeeded: transmitted) &- acknowledged > 0x7FFF {
            acknowledged = UInt16(truncatingIfNeeded: transmitted) &+ 1
        }
    }

    /// Probes sent whose sequence number is beyond the last acknowledged one
    /// (iputils `in_flight`).
    public var inFlight: Int {
        let difference = UInt16(truncatingIfNeeded: transmitted) &- acknowledged
        return difference <= 0x7FFF ? Int(difference) : transmitted - received - errors
    }

    /// Notes that probe `sequence` got an answer (a reply or an error).
    public mutating func acknowledge(_ sequence: UInt16) {
        let difference = UInt16(truncatingIfNeeded: transmitted) &- sequence
        guard difference <= 0x7FFF else { return }
        pipeSize = max(pipeSize, Int(difference) + 1)
        if Int16(bitPattern: sequence &- acknowledged) > 0
            || UInt16(truncatingIfNeeded: transmitted) &- acknowledged > 0x7FFF
        {
            acknowledged = sequence
        }
    }

    /// Whether probe `sequence` has been answered.
    public func isAnswered(_ sequence: UInt16) -> Bool { answered.contains(sequence) }

    /// Records an echo reply: its round trip in µs (nil when it carried no
    /// usable timestamp) and whether its checksum verified.
    public mutating func recordReply(sequence: UInt16, roundTrip: Int?, checksumIsValid: Bool) -> ReplyKind {
        guard checksumIsValid else {
            corrupted += 1
            return .corrupted
        }
        acknowledge(sequence)
        if let roundTrip { roundTrips.record(roundTrip) }
        if answered.contains(sequence) {
            duplicates += 1
            return .duplicate
        }
        answered.insert(sequence)
        received += 1
        return .fresh
    }

    /// Records an ICMP error about probe `sequence`.
    public mutating func recordError(sequence: UInt16?) {
        if let sequence { acknowledge(sequence) }
        errors += 1
    }

    /// The replies that carried a round trip (iputils divides by this).
    var timedReplies: Int { received + duplicates }

    /// The fastest round trip (µs); `Int.max` before any.
    public var minimum: Int { roundTrips.minimum }
    /// The slowest round trip (µs); 0 before any.
    public var maximum: Int { roundTrips.maximum }
    /// Every round trip in arrival order (µs).
    public var samples: [Int] { roundTrips.samples }
    public var average: Int? { roundTrips.average }
    public var meanDeviation: Int? { roundTrips.meanDeviation }
    public var movingAverage: Int { roundTrips.movingAverage }
    public var jitter: Int? { roundTrips.jitter }

    public func percentile(_ percent: Double) -> Int? { roundTrips.percentile(percent) }

    public func percentiles(_ percents: [Double]) -> [Int]? { roundTrips.percentiles(percents) }

    /// The packet loss in percent, of probes sent and not answered.
    public var lossPercent: Double {
        transmitted == 0 ? 0 : Double(transmitted - received) * 100 / Double(transmitted)
    }
}
