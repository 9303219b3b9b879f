/// The runs of one server at one connection count, reduced to medians and
/// the spread between runs.
public struct EchoSummary: Sendable, Equatable {
    public let server: String
    public let isPeer: Bool
    public let connections: Int
    public let runs: [EchoRun]

    public var requestsPerSecond: Double { median(runs.map(\.requestsPerSecond)) }
    public var serverMicrosPerRequest: Double { median(runs.map(\.serverMicrosPerRequest)) }
    public var loadMicrosPerRequest: Double { median(runs.map(\.loadMicrosPerRequest)) }
    public var latency: Latency {
        Latency(
            p50: median(runs.map(\.latency.p50)), p90: median(runs.map(\.latency.p90)),
            p99: median(runs.map(\.latency.p99)), max: runs.map(\.latency.max).max() ?? 0)
    }
    public var peakRSSKiB: Int { runs.map(\.serverPeakRSSKiB).max() ?? 0 }
    public var pssKiB: Int { runs.map(\.serverPSSKiB).max() ?? 0 }
    public var errors: Int { runs.map(\.errors).reduce(0, +) }
    public var unserved: Int { runs.map(\.unserved).reduce(0, +) }
    public var disturbedRuns: Int { runs.filter(\.disturbed).count }

    /// (max - min) / median of requests/s over the runs, as a fraction.
    public var spread: Double {
        let rates = runs.map(\.requestsPerSecond)
        guard let low = rates.min(), let high = rates.max(), requestsPerSecond > 0 else { return 0 }
        return (high - low) / requestsPerSecond
    }

    /// Groups runs by server and connection count, in the order the servers
    /// first appear and by ascending connections.
    public static func group(_ runs: [EchoRun]) -> [EchoSummary] {
        var order: [String] = []
        for run in runs where !order.contains(run.server) { order.append(run.server) }
        var summaries: [EchoSummary] = []
        for server in order {
            let own = runs.filter { $0.server == server }
            for connections in Set(own.map(\.connections)).sorted() {
                let group = own.filter { $0.connections == connections }
                summaries.append(
                    EchoSummary(
                        server: server, isPeer: group[0].isPeer,
                        connections: connections, runs: group))
            }
        }
        return summaries
    }
}
