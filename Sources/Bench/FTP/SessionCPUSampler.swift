import Glibc
import Synchronization

/// The CPU time of vsftpd's session processes during one transfer, read
/// from /proc while they live.
///
/// Their time does not reach the listener's `cutime` (measured: it stayed
/// at zero over a 1 GiB transfer; each session is two processes, forked
/// off the listener into a session of their own).
/// So each process below the listener is
/// sampled every `interval`, its own user and system time (fields 14 and 15
/// of proc(5)'s stat, not its children's, counted once each under its own
/// PID); what a process uses after its last sample, at most `interval`
/// before it exits, is missed.
final class SessionCPUSampler: Sendable {
    private let listener: pid_t
    private let latest = Mutex<[pid_t: Double]>([:])
    static let interval: Duration = .milliseconds(10)

    init(listener: pid_t) { self.listener = listener }

    /// Samples until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            sample()
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// Seconds used by every session process seen so far.
    var totalSeconds: Double {
        sample()
        return latest.withLock { $0.values.reduce(0, +) }
    }

    private func sample() {
        let tree = ProcessTree(root: listener)
        for pid in tree.processes() where pid != listener {
            guard let seconds = Self.ownCPUSeconds(pid) else { continue }
            latest.withLock { $0[pid] = max($0[pid] ?? 0, seconds) }
        }
    }

    /// utime + stime of `pid` itself; fields are counted from the last ')'
    /// (the command name may hold spaces).
    static func ownCPUSeconds(_ pid: pid_t) -> Double? {
        guard let text = ProcFiles.read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
