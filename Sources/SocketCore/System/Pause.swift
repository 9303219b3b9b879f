import Glibc

/// Sleeping the calling thread, for the pauses of accept loops, supervisors
/// and pollers: nanosleep(2), resumed after a signal until the whole
/// duration is over.
public enum Pause {
    public static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(max(0, seconds)), tv_nsec: Int(max(0, attoseconds) / 1_000_000_000))
        var remaining = timespec()
        // A signal ends the sleep early (EINTR, reported as would-block):
        // sleep what is left. Any other failure (EINVAL) cannot be mended.
        while true {
            let slept = try? syscall("nanosleep", interrupt: .wouldBlock, wouldBlock: []) {
                nanosleep(&request, &remaining)
            }
            guard case .wouldBlock = slept else { return }
            request = remaining
        }
    }
}
