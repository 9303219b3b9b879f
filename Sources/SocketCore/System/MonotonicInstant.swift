import Glibc

/// A point on `CLOCK_MONOTONIC`, for deadlines of waits and connects.
///
/// SocketCore's own rather than `ContinuousClock.Instant`: that type lives in
/// Swift Concurrency, and a program that uses it links Concurrency and
/// libdispatch, whose initializer then runs at every start of every program
/// built on SocketCore. `Duration` is the standard library's and needs neither.
public struct MonotonicInstant: Comparable, Hashable, Sendable {
    /// Nanoseconds on `CLOCK_MONOTONIC` (since boot, not counting suspend).
    public let nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    // Not inlinable, unlike the arithmetic below: an inlinable body may not
    // build a C `timespec` when this module is built as another package's
    // dependency (the struct's initializers then belong to a module the
    // client does not import).
    public static var now: MonotonicInstant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicInstant(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    /// `self` moved by `duration`, saturating rather than trapping at the
    /// ends of the range: a duration beyond Int64 nanoseconds (292 years)
    /// lands on the end itself, so `.now + .seconds(Int64.max)` is never.
    @inlinable
    public func advanced(by duration: Duration) -> MonotonicInstant {
        let offset = duration.saturatedNanoseconds
        if offset == .max || offset == .min { return MonotonicInstant(nanoseconds: offset) }
        return MonotonicInstant(nanoseconds: nanoseconds.addingSaturated(offset))
    }

    /// The time from `self` to `other`: negative when `other` is earlier.
    @inlinable
    public func duration(to other: MonotonicInstant) -> Duration {
        .nanoseconds(other.nanoseconds.subtractingSaturated(nanoseconds))
    }

    @inlinable
    public static func + (instant: MonotonicInstant, duration: Duration) -> MonotonicInstant {
        instant.advanced(by: duration)
    }

    @inlinable
    public static func - (instant: MonotonicInstant, duration: Duration) -> MonotonicInstant {
        instant.advanced(by: .zero - duration)
    }

    @inlinable
    public static func - (later: MonotonicInstant, earlier: MonotonicInstant) -> Duration {
        earlier.duration(to: later)
    }

    @inlinable
    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}

extension Duration {
    /// Whole nanoseconds (truncated toward zero), clamped to Int64's range.
    @inlinable
    var saturatedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingSaturated(attoseconds / 1_000_000_000)
    }
}

extension Int64 {
    @inlinable
    func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other < 0 ? .min : .max) : sum
    }

    @inlinable
    func subtractingSaturated(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }
}
