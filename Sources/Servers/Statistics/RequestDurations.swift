/// Request durations counted in buckets, as a Prometheus histogram keeps
/// them: a count and a sum of nanoseconds per bucket, each bucket holding
/// the durations up to its bound and above the bound before it.
public struct RequestDurations: Sendable, Equatable {
    /// The buckets' upper bounds, in seconds; a last bucket (+Inf) holds the
    /// rest. From 50 µs, since a loopback request takes tens of
    /// microseconds, up to 10 s, a slow CGI script's.
    public static let bounds: [Double] = [
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
    ]
    static let boundNanoseconds: [Int64] = bounds.map { Int64(($0 * 1e9).rounded()) }
    public static let bucketCount = 17

    /// Per bucket, not cumulative: `bucketCount` entries.
    public var counts: [UInt64]
    /// The durations in each bucket added up, in nanoseconds.
    public var nanoseconds: [UInt64]

    public init() {
        counts = Array(repeating: 0, count: Self.bucketCount)
        nanoseconds = Array(repeating: 0, count: Self.bucketCount)
    }

    public var count: UInt64 { counts.reduce(0, &+) }
    public var totalSeconds: Double { Double(nanoseconds.reduce(0, &+)) / 1e9 }

    /// The bucket that holds a duration of `nanoseconds`.
    @inline(__always)
    static func bucket(of nanoseconds: Int64) -> Int {
        // A loopback request mostly ends in the first bucket, known without
        // the table of bounds.
        if nanoseconds <= 50_000 { return 0 }
        var index = 1
        // Most of the rest fall in the next few buckets: a linear scan ends soon.
        while index < boundNanoseconds.count && nanoseconds > boundNanoseconds[index] { index += 1 }
        return index
    }

    mutating func add(_ other: RequestDurations) {
        for index in 0..<Self.bucketCount {
            counts[index] &+= other.counts[index]
            nanoseconds[index] &+= other.nanoseconds[index]
        }
    }
}
