import Bench
import Glibc
import TestSupport

/// A process as /proc shows it, named by PID and start time together, so
/// that a PID reused by an unrelated process is never taken for it.
struct ProcessIdentity: Hashable, CustomStringConvertible {
    let pid: pid_t
    let startTime: UInt64

    /// The process now at `pid`, nil when there is none.
    init?(pid: pid_t) {
        guard let stat = ProcessStat(pid: pid) else { return nil }
        self.pid = pid
        startTime = stat.startTime
    }

    /// The same process still exists (running, or a zombie not yet reaped).
    var exists: Bool { ProcessStat(pid: pid)?.startTime == startTime }

    /// Its state letter now ('Z' zombie), nil when it no longer exists.
    var state: Character? {
        guard let stat = ProcessStat(pid: pid), stat.startTime == startTime else { return nil }
        return stat.state
    }

    var description: String { "\(pid)" }
}

/// The fields of /proc/PID/stat (proc(5)) the suite reads.
struct ProcessStat {
    /// Field 3: R, S, D, Z (zombie), T...
    let state: Character
    /// Field 22: clock ticks after boot when the process started.
    let startTime: UInt64

    init?(pid: pid_t) {
        guard let bytes = try? readFile("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The command name (field 2) may hold spaces and parentheses:
        // fields count from the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        self.state = state
        startTime = start
    }
}

/// A running server seen from /proc: its process tree (workers, children
/// serving connections, grandchildren re-parented to it), their open
/// descriptors and CPU time.
struct ServerProcesses {
    let root: pid_t

    /// Every live or zombie descendant, found through
    /// /proc/PID/task/TID/children of each process (all threads).
    func descendants() -> [ProcessIdentity] {
        ProcessTree(root: root).processes().filter { $0 != root }.compactMap { ProcessIdentity(pid: $0) }
    }

    /// The open descriptors of the whole tree, as "PID: fd -> target".
    func openDescriptors() -> [String] {
        ProcessTree(root: root).processes().flatMap { pid in
            directoryEntries("/proc/\(pid)/fd").map { "\(pid): \($0) -> \(linkTarget("/proc/\(pid)/fd/\($0)") ?? "?")" }
        }
    }

    /// How many descriptors the whole tree has open.
    func openDescriptorCount() -> Int {
        ProcessTree(root: root).processes().reduce(0) { $0 + directoryEntries("/proc/\($1)/fd").count }
    }

    /// User + system CPU time of every thread of every process of the tree,
    /// including reaped children's (one clock tick resolution, 10 ms).
    func cpuTime() -> Duration { ProcessTree(root: root).cpuTime().total }
}
