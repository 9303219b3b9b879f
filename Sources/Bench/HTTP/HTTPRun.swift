/// One measured run of a web-server workload against one server: the
/// measurements the echo suite takes (requests, latency, CPU, memory,
/// errors, other load), and the body bytes received.
public struct HTTPRun: Codable, Sendable, Equatable {
    public var workload: HTTPWorkload
    public var measurement: EchoRun
    public var bodyBytes: Int

    public init(workload: HTTPWorkload, measurement: EchoRun, bodyBytes: Int) {
        self.workload = workload
        self.measurement = measurement
        self.bodyBytes = bodyBytes
    }

    enum CodingKeys: String, CodingKey {
        case workload, measurement, bodyBytes = "body_bytes"
    }

    public var bytesPerSecond: Double {
        measurement.seconds > 0 ? Double(bodyBytes) / measurement.seconds : 0
    }

    public var summaryLine: String {
        var line = "\(workload.name): " + measurement.summaryLine
        if workload.file.size > 1 << 20 { line += ", \(fixed(bytesPerSecond / 1e9, 2)) GB/s" }
        return line
    }
}

/// The runs of one server on one workload: the echo suite's medians and
/// spread, and the median throughput.
public struct HTTPSummary: Sendable, Equatable {
    public let workload: HTTPWorkload
    public let measurement: EchoSummary
    public let bytesPerSecond: Double

    public var server: String { measurement.server }

    /// Groups runs by server and workload, servers in the order they first
    /// appear, workloads in the suite's order.
    public static func group(_ runs: [HTTPRun]) -> [HTTPSummary] {
        var servers: [String] = []
        var workloads: [HTTPWorkload] = []
        for run in runs {
            if !servers.contains(run.measurement.server) { servers.append(run.measurement.server) }
            if !workloads.contains(run.workload) { workloads.append(run.workload) }
        }
        return servers.flatMap { server in
            workloads.compactMap { workload in
                let group = runs.filter { $0.measurement.server == server && $0.workload == workload }
                guard let first = group.first else { return nil }
                return HTTPSummary(
                    workload: workload,
                    measurement: EchoSummary(
                        server: server, isPeer: first.measurement.isPeer, connections: workload.connections,
                        runs: group.map(\.measurement)),
                    bytesPerSecond: median(group.map(\.bytesPerSecond)))
            }
        }
    }
}
