import Glibc
import SocketCore

/// The clocks a probe is timed with, in nanoseconds.
enum Clocks {
    /// `CLOCK_MONOTONIC`: never steps, so a round trip can never come out
    /// negative or jump when the wall clock is set (unlike iputils'
    /// `gettimeofday`).
    static func monotonic() -> Int64 { MonotonicInstant.now.nanoseconds }

    /// `CLOCK_REALTIME`: the clock of the kernel's `SO_TIMESTAMPNS` receive
    /// stamps, and of `-D` prefixes.
    static func realTime() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// When a datagram the kernel stamped at `kernelStamp` (real time)
    /// arrived, on the monotonic clock: how long ago the stamp was taken,
    /// measured on the real-time clock, subtracted from the monotonic now.
    /// The real-time read sits between two monotonic ones and is taken as
    /// their midpoint, so a preemption between the reads costs at most half
    /// its length either way instead of shortening the round trip by all
    /// of it. A stamp from the future (a clock step in between) counts as now.
    static func monotonicArrival(kernelStamp: timespec?) -> Int64 {
        let before = monotonic()
        guard let stamp = kernelStamp else { return before }
        let real = realTime()
        let after = monotonic()
        let stamped = Int64(stamp.tv_sec) * 1_000_000_000 + Int64(stamp.tv_nsec)
        let age = max(0, real - stamped)
        return before + (after - before) / 2 - age
    }
}
