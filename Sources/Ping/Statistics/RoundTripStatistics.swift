/// The round trips of a run, in whole microseconds, and the figures ping
/// summaries give of them: min/avg/max/mdev computed as iputils
/// `ping_common.c` computes them (`gather_statistics`, `finish`), its
/// moving average, and nearest-rank percentiles and jitter over every
/// sample. icmpping and udpping keep their round trips here, so both print
/// the same figures for the same replies.
public struct RoundTripStatistics: Sendable {
    /// The fastest round trip (µs); `Int.max` before any.
    public private(set) var minimum = Int.max
    /// The slowest round trip (µs); 0 before any.
    public private(set) var maximum = 0
    private(set) var sum = 0.0
    private(set) var sumOfSquares = 0.0
    /// iputils' moving average, scaled by 8 (`rts->rtt`): the first round
    /// trip times 8, then rtt += sample - rtt / 8.
    private(set) var averageTimes8 = 0
    /// Every round trip in arrival order (µs), for percentiles and jitter.
    public private(set) var samples: [Int] = []

    public init() {}

    /// How many round trips were recorded.
    public var count: Int { samples.count }

    /// Records one round trip of `microseconds`.
    public mutating func record(_ microseconds: Int) {
        sum += Double(microseconds)
        sumOfSquares += Double(microseconds) * Double(microseconds)
        minimum = min(minimum, microseconds)
        maximum = max(maximum, microseconds)
        averageTimes8 = averageTimes8 == 0 ? microseconds * 8 : averageTimes8 + microseconds - averageTimes8 / 8
        samples.append(microseconds)
    }

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
