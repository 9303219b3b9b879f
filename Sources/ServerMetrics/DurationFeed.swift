import CoreMetrics
import Servers

/// Brings a swift-metrics `Timer` (a Prometheus histogram with the buckets
/// of `RequestDurations.bounds`) up to a worker's request durations.
///
/// The scoreboard keeps, per bucket, a count and a sum of nanoseconds, not
/// the durations themselves: each bucket's new requests are recorded at the
/// bucket's mean duration (as whole nanoseconds: a remainder of r puts r of
/// them one nanosecond above the rest), which lands every one in its own
/// bucket, so the histogram's counts per bucket and its sum come out exact.
///
/// A snapshot may hold a bucket's count without the duration its writer
/// adds next (the two words are not written as one): the recorded means are
/// kept within the bucket's bounds, and what was recorded is remembered, so
/// a sum short or long now is made up when the bucket next has requests.
struct DurationFeed {
    private static let boundNanoseconds = RequestDurations.bounds.map { Int64(($0 * 1e9).rounded()) }

    private var fedCounts = [UInt64](repeating: 0, count: RequestDurations.bucketCount)
    private var fedNanoseconds = [Int64](repeating: 0, count: RequestDurations.bucketCount)

    /// Records into `timer` the requests of `durations` not recorded yet.
    mutating func feed(_ durations: RequestDurations, into timer: CoreMetrics.Timer) {
        for bucket in 0..<RequestDurations.bucketCount where durations.counts[bucket] > fedCounts[bucket] {
            let count = durations.counts[bucket] - fedCounts[bucket]
            let pending = Int64(truncatingIfNeeded: durations.nanoseconds[bucket]) &- fedNanoseconds[bucket]
            let total = Self.total(pending, of: count, inBucket: bucket)
            let samples = Int64(truncatingIfNeeded: count)
            let (mean, remainder) = total.quotientAndRemainder(dividingBy: samples)
            for _ in 0..<(samples - remainder) { timer.recordNanoseconds(mean) }
            for _ in 0..<remainder { timer.recordNanoseconds(mean + 1) }
            fedCounts[bucket] = durations.counts[bucket]
            fedNanoseconds[bucket] &+= total
        }
    }

    /// `pending` nanoseconds, kept to what `count` durations of `bucket` can
    /// add up to: each above the bound before it (durations are whole
    /// nanoseconds, so at least one more) and at most the bucket's own bound.
    private static func total(_ pending: Int64, of count: UInt64, inBucket bucket: Int) -> Int64 {
        let samples = Int64(truncatingIfNeeded: count)
        let least = bucket == 0 ? 0 : boundNanoseconds[bucket - 1] + 1
        let most = bucket < boundNanoseconds.count ? boundNanoseconds[bucket] : Int64.max / samples
        return min(max(pending, least * samples), most * samples)
    }
}
