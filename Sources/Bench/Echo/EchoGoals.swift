/// The server-model benchmark's goals, as ratios measured in one run.
public struct EchoGoal: Sendable, Equatable {
    public let text: String
    public let measured: Double?
    public let target: Double

    /// Nil when a server it needs was not measured.
    public var met: Bool? { measured.map { $0 <= target } }

    /// The goals at `connections` (128 in the full suite): epoll-c's server
    /// CPU per request against a minimal hand-written C epoll server's 4.7 µs
    /// on this class of machine, and the other models as ratios of it and
    /// of SwiftNIO's.
    public static func evaluate(_ summaries: [EchoSummary], connections: Int = 128) -> [EchoGoal] {
        func cost(_ server: String) -> Double? {
            summaries.first { $0.server == server && $0.connections == connections }?.serverMicrosPerRequest
        }
        func ratio(_ a: String, _ b: String) -> Double? {
            guard let x = cost(a), let y = cost(b), y > 0 else { return nil }
            return x / y
        }
        let at = "at \(connections) connections"
        // Each model measured again with its control port and metrics on,
        // run for run beside it: the median of each pair's ratio, which the
        // machine's drift between pairs does not move.
        func pairedRatio(_ counted: EchoSummary, _ plain: String) -> Double? {
            guard let base = summaries.first(where: { $0.server == plain && $0.connections == connections })
            else { return nil }
            let ratios = counted.runs.compactMap { run -> Double? in
                guard let twin = base.runs.first(where: { $0.run == run.run }), twin.serverMicrosPerRequest > 0
                else { return nil }
                return run.serverMicrosPerRequest / twin.serverMicrosPerRequest
            }
            return ratios.isEmpty ? ratio(counted.server, plain) : median(ratios)
        }
        let counted = summaries.filter { $0.connections == connections && $0.server.hasSuffix(Self.controlSuffix) }
        let controlGoals = counted.map { summary in
            let plain = String(summary.server.dropLast(Self.controlSuffix.count))
            return EchoGoal(
                text: "\(summary.server) / \(plain) µs/request \(at), median of run pairs",
                measured: pairedRatio(summary, plain), target: 1.02)
        }
        return controlGoals + [
            EchoGoal(text: "epoll-c server µs/request \(at)", measured: cost("epoll-c"), target: 4.7),
            EchoGoal(text: "epoll / epoll-c µs/request \(at)", measured: ratio("epoll", "epoll-c"), target: 1.15),
            EchoGoal(text: "epoll / nio µs/request \(at)", measured: ratio("epoll", "nio"), target: 0.8),
            EchoGoal(text: "select / epoll-c µs/request \(at)", measured: ratio("select", "epoll-c"), target: 1.15),
            EchoGoal(text: "poll / epoll-c µs/request \(at)", measured: ratio("poll", "epoll-c"), target: 1.15),
        ]
    }

    /// The name of a model measured with `--with-control`: `epoll+control`.
    public static let controlSuffix = "+control"
}

/// What 1000 idle open connections cost a server, against the same server
/// with none.
public struct IdleMemory: Codable, Sendable, Equatable {
    public var server: String
    public var connections: Int
    public var baselineRSSKiB: Int
    public var loadedRSSKiB: Int
    public var baselinePSSKiB: Int
    public var loadedPSSKiB: Int

    enum CodingKeys: String, CodingKey {
        case server, connections
        case baselineRSSKiB = "baseline_rss_kib", loadedRSSKiB = "loaded_rss_kib"
        case baselinePSSKiB = "baseline_pss_kib", loadedPSSKiB = "loaded_pss_kib"
    }

    public init(
        server: String, connections: Int, baselineRSSKiB: Int, loadedRSSKiB: Int,
        baselinePSSKiB: Int, loadedPSSKiB: Int
    ) {
        self.server = server
        self.connections = connections
        self.baselineRSSKiB = baselineRSSKiB
        self.loadedRSSKiB = loadedRSSKiB
        self.baselinePSSKiB = baselinePSSKiB
        self.loadedPSSKiB = loadedPSSKiB
    }

    /// PSS growth per connection in bytes: a forked copy's shared pages
    /// count only in part, so PSS is the fair measure across thread and
    /// process models.
    public var bytesPerConnection: Double {
        connections > 0 ? Double(loadedPSSKiB - baselinePSSKiB) * 1024 / Double(connections) : 0
    }

    /// The goal for the event-driven models: at most 4 KiB per idle
    /// connection (no buffers until data is pending).
    public var goal: Double? {
        ["epoll", "epoll-c", "poll", "select"].contains(server) ? 4096 : nil
    }
}

extension IdleMemory {
    /// A report's lines for `idle`: a heading saying what idles (`idle
    /// connection`, `idle keep-alive connection`), then a line per server
    /// with its goal's verdict.
    static func reportLines(_ idle: [IdleMemory], idling what: String) -> [String] {
        guard let first = idle.first else { return [] }
        return ["", "Memory per \(what) (PSS growth with \(first.connections) open):"]
            + idle.map { entry in
                let goal =
                    entry.goal.map {
                        entry.bytesPerConnection <= $0 ? " (goal ≤ 4 KiB: met)" : " (goal ≤ 4 KiB: missed)"
                    } ?? ""
                return "  \(entry.server): \(fixed(entry.bytesPerConnection, 0)) B\(goal)"
            }
    }
}
