import Glibc

/// A process as /proc shows it, named by PID and start time together, so
/// that a PID reused by an unrelated process is never taken for it.
public struct ProcessIdentity: Hashable, Sendable, CustomStringConvertible {
    public let pid: pid_t
    public let startTime: UInt64

    /// The process now at `pid`, nil when there is none.
    public init?(pid: pid_t) {
        guard let stat = ProcessStat(pid: pid) else { return nil }
        self.pid = pid
        startTime = stat.startTime
    }

    /// The same process still exists (running, or a zombie not yet reaped).
    public var exists: Bool { ProcessStat(pid: pid)?.startTime == startTime }

    /// Its state letter now ('Z' zombie), nil when it no longer exists.
    public var state: Character? {
        guard let stat = ProcessStat(pid: pid), stat.startTime == startTime else { return nil }
        return stat.state
    }

    public var description: String { "\(pid)" }
}
