import Bench
import Glibc
import TestSupport

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
