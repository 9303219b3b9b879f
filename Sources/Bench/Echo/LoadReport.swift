/// What the load generator (`sockworks loadgen`) prints as its last line:
/// one JSON object with the measured window's counts, exact latency
/// percentiles in ns, and its own CPU time.
public struct LoadReport: Codable, Sendable, Equatable {
    public var requests: UInt64
    public var windowNs: UInt64
    public var p50Ns: UInt64
    public var p90Ns: UInt64
    public var p99Ns: UInt64
    public var maxNs: UInt64
    public var corrupted: UInt64
    public var failed: UInt64
    public var unserved: UInt64
    public var cpuUserNs: UInt64
    public var cpuSystemNs: UInt64
    /// Body bytes received in the window (the HTTP mode); nil for echoes.
    public var bodyBytes: UInt64?

    enum CodingKeys: String, CodingKey {
        case requests, windowNs = "window_ns", p50Ns = "p50_ns", p90Ns = "p90_ns", p99Ns = "p99_ns"
        case maxNs = "max_ns", corrupted, failed, unserved
        case cpuUserNs = "cpu_user_ns", cpuSystemNs = "cpu_system_ns", bodyBytes = "body_bytes"
    }

    public init(
        requests: UInt64, windowNs: UInt64, p50Ns: UInt64, p90Ns: UInt64, p99Ns: UInt64, maxNs: UInt64,
        corrupted: UInt64, failed: UInt64, unserved: UInt64, cpuUserNs: UInt64, cpuSystemNs: UInt64,
        bodyBytes: UInt64? = nil
    ) {
        self.requests = requests
        self.windowNs = windowNs
        self.p50Ns = p50Ns
        self.p90Ns = p90Ns
        self.p99Ns = p99Ns
        self.maxNs = maxNs
        self.corrupted = corrupted
        self.failed = failed
        self.unserved = unserved
        self.cpuUserNs = cpuUserNs
        self.cpuSystemNs = cpuSystemNs
        self.bodyBytes = bodyBytes
    }

    /// The line the load generator prints, without Foundation's encoder
    /// (the load generator's process stays small).
    public var jsonLine: String {
        "{\"requests\":\(requests),\"window_ns\":\(windowNs),\"p50_ns\":\(p50Ns),\"p90_ns\":\(p90Ns),"
            + "\"p99_ns\":\(p99Ns),\"max_ns\":\(maxNs),\"corrupted\":\(corrupted),\"failed\":\(failed),"
            + "\"unserved\":\(unserved),\"cpu_user_ns\":\(cpuUserNs),\"cpu_system_ns\":\(cpuSystemNs)"
            + (bodyBytes.map { ",\"body_bytes\":\($0)" } ?? "") + "}"
    }

    public var latency: Latency {
        Latency(
            p50: Double(p50Ns) / 1000, p90: Double(p90Ns) / 1000, p99: Double(p99Ns) / 1000,
            max: Double(maxNs) / 1000)
    }

    public var cpuSeconds: Double { Double(cpuUserNs + cpuSystemNs) / 1e9 }
}
