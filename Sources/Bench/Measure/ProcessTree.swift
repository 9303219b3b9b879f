import Glibc

/// A server's processes: the one the benchmark started and all its
/// descendants (workers, per-connection children), read from /proc.
public struct ProcessTree: Sendable {
    public let root: pid_t

    public init(root: pid_t) { self.root = root }

    /// The root and every live descendant, from /proc/PID/task/TID/children
    /// (proc(5)), breadth first.
    public func processes() -> [pid_t] {
        var found: [pid_t] = []
        var queue = [root]
        while let pid = queue.popLast() {
            guard ProcFiles.read("/proc/\(pid)/stat") != nil else { continue }
            found.append(pid)
            for task in ProcFiles.numericEntries("/proc/\(pid)/task") {
                let children = ProcFiles.read("/proc/\(pid)/task/\(task)/children") ?? ""
                queue += children.split(separator: " ").compactMap { pid_t($0) }
            }
        }
        return found
    }

    /// CPU time (user + system) used so far by the tree: every live
    /// process's threads, plus what its reaped children used (the `cutime`
    /// and `cstime` of proc(5)), so a fork server's finished children and a
    /// web server's finished CGI scripts count. A child is counted once:
    /// alive, through its own stat line; reaped, through its parent's.
    /// Resolution: one clock tick (10 ms at USER_HZ 100).
    ///
    /// The kernel adds a child's time to its parent's only when the parent
    /// waits for it: the children of a process that ignores SIGCHLD are
    /// reaped for it, and their time is lost (`ignoresChildExits`).
    public func cpuTime() -> CPUTime {
        var total = CPUTime()
        for pid in processes() {
            if let sample = CPUTime(statOf: pid) { total = total + sample }
        }
        return total
    }

    /// Whether the root ignores SIGCHLD (the SigIgn mask of
    /// /proc/PID/status): its children are then reaped by the kernel and
    /// their CPU time never reaches its cutime and cstime (wait(2), NOTES).
    public func ignoresChildExits() -> Bool {
        guard let status = ProcFiles.read("/proc/\(root)/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
            let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingPrefix { $0 == " " || $0 == "\t" }, radix: 16)
        else { return false }
        return mask & (1 << (UInt64(SIGCHLD) - 1)) != 0
    }

    /// Resident and proportional set sizes summed over the tree, and the
    /// sum of each process's peak resident size (VmHWM), in KiB. PSS shares
    /// pages between the processes that map them, so a forked copy costs
    /// only what it has made its own.
    public func memory() -> MemoryUse {
        var use = MemoryUse()
        for pid in processes() {
            if let rollup = ProcFiles.read("/proc/\(pid)/smaps_rollup") {
                use.residentKiB += ProcFiles.kilobytes("Rss", in: rollup) ?? 0
                use.proportionalKiB += ProcFiles.kilobytes("Pss", in: rollup) ?? 0
            }
            if let status = ProcFiles.read("/proc/\(pid)/status") {
                use.peakResidentKiB += ProcFiles.kilobytes("VmHWM", in: status) ?? 0
            }
        }
        return use
    }
}

/// User and system CPU time.
public struct CPUTime: Sendable, Equatable {
    public var user: Duration = .zero
    public var system: Duration = .zero

    public init(user: Duration = .zero, system: Duration = .zero) {
        self.user = user
        self.system = system
    }

    public var total: Duration { user + system }

    public static func + (left: CPUTime, right: CPUTime) -> CPUTime {
        CPUTime(user: left.user + right.user, system: left.system + right.system)
    }

    public static func - (left: CPUTime, right: CPUTime) -> CPUTime {
        CPUTime(user: left.user - right.user, system: left.system - right.system)
    }

    /// From /proc/PID/stat: utime + cutime, stime + cstime (fields 14-17).
    init?(statOf pid: pid_t) {
        guard let text = ProcFiles.read("/proc/\(pid)/stat") else { return nil }
        self.init(statLine: text)
    }

    /// Parses a stat line. The command name (field 2) is in parentheses and
    /// may hold spaces or parentheses itself, so fields are counted from the
    /// last ')'.
    init?(statLine text: String) {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime is field 14.
        guard fields.count > 14,
            let utime = Int64(fields[11]), let stime = Int64(fields[12]),
            let cutime = Int64(fields[13]), let cstime = Int64(fields[14])
        else { return nil }
        let tick = Duration.seconds(1) / Int(sysconf(Int32(_SC_CLK_TCK)))
        user = tick * (utime + cutime)
        system = tick * (stime + cstime)
    }
}

/// Memory of a process tree, in KiB.
public struct MemoryUse: Sendable, Equatable {
    public var residentKiB = 0
    public var proportionalKiB = 0
    public var peakResidentKiB = 0

    public init() {}
}
