import Glibc

/// Busy CPU time of the whole machine, from the first line of /proc/stat,
/// to see what else ran during a benchmark: the busy time of the run minus
/// what the server and the load generator used is other load.
public struct MachineCPU: Sendable, Equatable {
    /// Time spent not idle, summed over CPUs.
    public var busy: Duration
    /// All time, summed over CPUs.
    public var total: Duration

    public static func now() -> MachineCPU? {
        guard let text = ProcFiles.read("/proc/stat") else { return nil }
        return MachineCPU(statText: text)
    }

    /// Parses the aggregate `cpu` line: user nice system idle iowait irq
    /// softirq steal (guest time is already inside user and nice).
    init?(statText text: String) {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Int64($0) }
        guard ticks.count == 8 else { return nil }
        let tick = Duration.seconds(1) / Int(sysconf(Int32(_SC_CLK_TCK)))
        let idle = ticks[3] + ticks[4]
        let all = ticks.reduce(0, +)
        busy = tick * (all - idle)
        total = tick * all
    }

    init(busy: Duration, total: Duration) {
        self.busy = busy
        self.total = total
    }

    public static func - (left: MachineCPU, right: MachineCPU) -> MachineCPU {
        MachineCPU(busy: left.busy - right.busy, total: left.total - right.total)
    }
}
