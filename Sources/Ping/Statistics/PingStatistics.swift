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

    /// Minimum, maximum, sum and sum of squares of the round trips (µs),
    /// duplicates included, as in iputils.
    public private(set) var minimum = Int.max
    public private(set) var maximum = 0
    private(set) var sum = 0.0
    private(set) var sumOfSquares = 0.0
    /// iputils' moving average, scaled by 8 (`rts->rtt`): the first round
    /// trip times 8, then rtt += sample - rtt / 8.
    private(set) var averageTimes8 = 0
    /// The highest number of probes seen in flight at once (iputils `pipe`).
    public private(set) var pipeSize = -1
    /// The last sequence number acknowledged, for `inFlight`.
    private var acknowledged: UInt16 = 0
    private var answered = ReceivedTable()
    /// Every round trip in arrival order (µs), for percentiles and jitter.
    public private(set) var samples: [Int] = []

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
        if let roundTrip { recordRoundTrip(roundTrip) }
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

    private mutating func recordRoundTrip(_ microseconds: Int) {
        sum += Double(microseconds)
        sumOfSquares += Double(microseconds) * Double(microseconds)
        minimum = min(minimum, microseconds)
        maximum = max(maximum, microseconds)
        averageTimes8 = averageTimes8 == 0 ? microseconds * 8 : averageTimes8 + microseconds - averageTimes8 / 8
        samples.append(microseconds)
    }

    /// The replies that carried a round trip (iputils divides by this).
    var timedReplies: Int { received + duplicates }

    /// Mean round trip, truncated to a µs as iputils' `long` division does.
    public var average: Int? {
        guard !samples.isEmpty else { return nil }
        return Int(sum / Double(samples.count))
    }

    /// The population standard deviation (µs), as iputils' `finish`
    /// computes it: integer variance, then an integer square root.
    public var meanDeviation: Int? {
        guard let average, !samples.isEmpty else { return nil }
        let total = Double(samples.count)
        let variance: Double
        if sum < Double(Int32.max) {
            // iputils: "this slightly clumsy computation order is important
            // to avoid integer rounding errors for small ping times".
            variance = (sumOfSquares - (sum * sum) / total) / total
        } else {
            variance = sumOfSquares / total - Double(average * average)
        }
        // Rounding can make the variance of equal samples a hair negative;
        // iputils would print garbage then, a deviation of 0 is the truth.
        guard variance.isFinite, variance > 0 else { return 0 }
        return integerSquareRoot(Int64(min(variance, Double(Int64.max / 2))))
    }

    /// iputils' moving average in µs.
    public var movingAverage: Int { averageTimes8 / 8 }

    /// The nearest-rank percentile of the round trips (µs).
    public func percentile(_ percent: Double) -> Int? {
        percentiles([percent])?.first
    }

    /// Several nearest-rank percentiles (µs), selected from one copy of
    /// the round trips (`RankSelection`, not a sort).
    public func percentiles(_ percents: [Double]) -> [Int]? {
        guard !samples.isEmpty else { return nil }
        let ranks = percents.map { percent in
            let rank = Int((percent / 100 * Double(samples.count)).rounded(.up))
            return min(max(rank, 1), samples.count) - 1
        }
        var values = samples
        return RankSelection.values(ofRanks: ranks, in: &values)
    }

    /// The mean absolute difference of consecutive round trips (µs), in
    /// arrival order: how much one reply's delay differs from the next one's.
    public var jitter: Int? {
        guard samples.count > 1 else { return nil }
        var total = 0
        for index in 1..<samples.count { total += abs(samples[index] - samples[index - 1]) }
        return total / (samples.count - 1)
    }

    /// The packet loss in percent, of probes sent and not answered.
    public var lossPercent: Double {
        transmitted == 0 ? 0 : Double(transmitted - received) * 100 / Double(transmitted)
    }
}

/// floor(sqrt(value)) by Newton's method in integers (iputils `llsqrt`).
func integerSquareRoot(_ value: Int64) -> Int {
    guard value > 0 else { return 0 }
    var previous = Int64.max
    var x = value
    while x < previous {
        previous = x
        x = (x + value / x) / 2
    }
    return Int(x)
}
