import Glibc

/// Sleeping the calling thread, for the pauses of accept loops and
/// supervisors.
enum Pause {
    /// nanosleep(2), resumed after signals until the whole duration is over.
    static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
