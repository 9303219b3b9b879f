/// One measured run of the echo workload against one server.
public struct EchoRun: Codable, Sendable, Equatable {
    /// A server model (`epoll`) or a peer (`nio`, `asyncio`).
    public var server: String
    public var isPeer: Bool
    public var connections: Int
    /// Bytes per message.
    public var size: Int
    /// Messages in flight per connection.
    public var depth: Int
    /// 1-based; warm-up runs are not recorded.
    public var run: Int
    public var seconds: Double
    public var requests: Int
    public var latency: Latency
    /// User + system CPU of every process and thread of the server.
    public var serverCPUSeconds: Double
    /// The load generator's own CPU.
    public var loadCPUSeconds: Double
    public var serverPeakRSSKiB: Int
    public var serverPSSKiB: Int
    /// Echoes that were wrong, connections that failed mid-run.
    public var errors: Int
    /// Connections never accepted, or never answered within the run.
    public var unserved: Int
    /// CPU busy time of the machine beyond what the server and the load
    /// generator used, in CPUs (0.1 = a tenth of one CPU on average).
    public var otherLoadCPUs: Double
    /// Whether other load was high enough to make this run suspect.
    public var disturbed: Bool

    public init(
        server: String, isPeer: Bool, connections: Int, size: Int, depth: Int, run: Int, seconds: Double,
        requests: Int, latency: Latency, serverCPUSeconds: Double, loadCPUSeconds: Double,
        serverPeakRSSKiB: Int, serverPSSKiB: Int, errors: Int, unserved: Int, otherLoadCPUs: Double,
        disturbed: Bool
    ) {
        self.server = server
        self.isPeer = isPeer
        self.connections = connections
        self.size = size
        self.depth = depth
        self.run = run
        self.seconds = seconds
        self.requests = requests
        self.latency = latency
        self.serverCPUSeconds = serverCPUSeconds
        self.loadCPUSeconds = loadCPUSeconds
        self.serverPeakRSSKiB = serverPeakRSSKiB
        self.serverPSSKiB = serverPSSKiB
        self.errors = errors
        self.unserved = unserved
        self.otherLoadCPUs = otherLoadCPUs
        self.disturbed = disturbed
    }

    /// The data files' field names (snake case, spelled out: an automatic
    /// conversion would not round-trip names such as `serverCPUSeconds`).
    enum CodingKeys: String, CodingKey {
        case server, isPeer = "is_peer", connections, size, depth, run, seconds, requests, latency
        case serverCPUSeconds = "server_cpu_seconds", loadCPUSeconds = "load_cpu_seconds"
        case serverPeakRSSKiB = "server_peak_rss_kib", serverPSSKiB = "server_pss_kib"
        case errors, unserved, otherLoadCPUs = "other_load_cpus", disturbed
    }

    public var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }

    /// Server CPU per request in µs: on a two-core machine, once the load
    /// generator fills its core, the fair comparison of servers.
    public var serverMicrosPerRequest: Double {
        requests > 0 ? serverCPUSeconds * 1e6 / Double(requests) : .infinity
    }

    public var loadMicrosPerRequest: Double {
        requests > 0 ? loadCPUSeconds * 1e6 / Double(requests) : .infinity
    }
}

/// Round-trip latency percentiles in µs, exact (from every sample).
public struct Latency: Codable, Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    public init(p50: Double, p90: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

extension EchoRun {
    /// One progress line: `poll 128 conns: 101234 req/s, server 9.81 µs/req, ...`.
    public var summaryLine: String {
        var line =
            "\(server) \(connections) conns: \(fixed(requestsPerSecond, 0)) req/s, server "
            + "\(fixed(serverMicrosPerRequest, 2)) µs/req, load \(fixed(loadMicrosPerRequest, 2)) µs/req, "
            + "p99 \(fixed(latency.p99, 1)) µs"
        if errors + unserved > 0 { line += ", \(errors) errors, \(unserved) unserved" }
        if disturbed { line += " (disturbed: \(fixed(otherLoadCPUs, 2)) CPU of other load)" }
        return line
    }
}
