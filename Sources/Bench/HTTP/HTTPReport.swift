import FoundationEssentials

/// A goal of the web-server benchmark: a ratio of the `epoll` model to the
/// best peer of the same run.
public struct HTTPGoal: Sendable, Equatable {
    public let text: String
    public let measured: Double?
    public let target: Double
    /// The ratio must reach the target (throughput) instead of staying
    /// under it (CPU).
    public let atLeast: Bool

    public var met: Bool? { measured.map { atLeast ? $0 >= target : $0 <= target } }

    /// Server CPU per request at most the best peer's at 128 keep-alive
    /// connections and with a connection per request; requests/s at least
    /// the best peer's at 128; the large file at least 0.9 of its throughput.
    public static func evaluate(_ summaries: [HTTPSummary]) -> [HTTPGoal] {
        func ratio(_ workload: HTTPWorkload, _ value: (HTTPSummary) -> Double, lowerIsBetter: Bool) -> Double? {
            let own = summaries.first { $0.server == "epoll" && $0.workload == workload }
            let peers = summaries.filter { $0.measurement.isPeer && $0.workload == workload }.map(value)
            guard let own, let best = lowerIsBetter ? peers.min() : peers.max(), best > 0 else { return nil }
            return value(own) / best
        }
        let keepAlive = HTTPWorkload(file: HTTPFiles.small, connections: 128)
        let close = HTTPWorkload(file: HTTPFiles.small, connections: 16, connectionPerRequest: true)
        let large = HTTPWorkload(file: HTTPFiles.large, connections: 1)
        return [
            HTTPGoal(
                text: "epoll / best peer server µs/request, \(keepAlive.name)",
                measured: ratio(keepAlive, \.measurement.serverMicrosPerRequest, lowerIsBetter: true), target: 1.0,
                atLeast: false),
            HTTPGoal(
                text: "epoll / best peer server µs/request, \(close.name)",
                measured: ratio(close, \.measurement.serverMicrosPerRequest, lowerIsBetter: true), target: 1.0,
                atLeast: false),
            HTTPGoal(
                text: "epoll / best peer requests/s, \(keepAlive.name)",
                measured: ratio(keepAlive, \.measurement.requestsPerSecond, lowerIsBetter: false), target: 1.0,
                atLeast: true),
            HTTPGoal(
                text: "epoll / best peer bytes/s, \(large.name)",
                measured: ratio(large, \.bytesPerSecond, lowerIsBetter: false), target: 0.9, atLeast: true),
        ]
    }
}

/// The web-server benchmark's results as a table, data files and charts.
public struct HTTPReport: Sendable {
    public var runs: [HTTPRun]
    public var idle: [IdleMemory]
    public var date: String
    public var command: String
    public var machine: String
    public var load: String
    /// The CGI suite's report (`bench http --cgi`): its goals against
    /// lighttpd, the Python script's ratios, its chart.
    public var cgi: Bool

    public init(
        runs: [HTTPRun], idle: [IdleMemory], date: String, command: String, machine: String, load: String,
        cgi: Bool = false
    ) {
        self.runs = runs
        self.idle = idle
        self.date = date
        self.command = command
        self.machine = machine
        self.load = load
        self.cgi = cgi
    }

    public var summaries: [HTTPSummary] { HTTPSummary.group(runs) }
    public var goals: [HTTPGoal] { cgi ? CGIGoals.evaluate(summaries) : HTTPGoal.evaluate(summaries) }

    static let header = [
        "server", "workload", "req/s", "MB/s", "p50 µs", "p99 µs", "srv µs/req", "load µs/req", "PSS MiB",
        "errors", "unserved", "spread", "runs",
    ]

    static func cells(_ s: HTTPSummary) -> [String] {
        let m = s.measurement
        let disturbed = m.disturbedRuns > 0 ? " (\(m.disturbedRuns) disturbed)" : ""
        return [
            m.isPeer ? "\(m.server) (peer)" : m.server, s.workload.name, fixed(m.requestsPerSecond, 0),
            fixed(s.bytesPerSecond / 1e6, 1), fixed(m.latency.p50, 1), fixed(m.latency.p99, 1),
            fixed(m.serverMicrosPerRequest, 2), fixed(m.loadMicrosPerRequest, 2), fixed(Double(m.pssKiB) / 1024, 1),
            "\(m.errors)", "\(m.unserved)", fixed(m.spread * 100, 1) + "%", "\(m.runs.count)\(disturbed)",
        ]
    }

    public var text: String {
        var table = TextTable(header: Self.header)
        for summary in summaries { table.add(Self.cells(summary)) }
        return ([table.render()] + goalLines + unscoredLines + idleLines).joined(separator: "\n") + "\n"
    }

    var goalLines: [String] {
        let measured = goals.filter { $0.measured != nil }
        guard !measured.isEmpty else { return [] }
        return ["", "Goals (same run):"]
            + measured.map { goal in
                let verdict = goal.met == true ? "met" : "missed"
                let sign = goal.atLeast ? "≥" : "≤"
                return "  \(goal.text): \(fixed(goal.measured!, 2)) (goal \(sign) \(fixed(goal.target, 2))): \(verdict)"
            }
    }

    /// The CGI suite's ratios without a goal (the Python script).
    var unscoredLines: [String] {
        let ratios = cgi ? CGIGoals.unscored(summaries) : []
        guard !ratios.isEmpty else { return [] }
        return ["", "Without a goal (same run):"] + ratios.map { "  \($0.text): \(fixed($0.measured, 2))" }
    }

    var idleLines: [String] { IdleMemory.reportLines(idle, idling: "idle keep-alive connection") }

    public var markdown: String {
        var lines = ["Measured \(date) on \(machine) with `\(command)` (load: \(load)):", ""]
        lines.append("| " + Self.header.joined(separator: " | ") + " |")
        lines.append("|---|---|" + Array(repeating: "---:", count: Self.header.count - 2).joined(separator: "|") + "|")
        for summary in summaries { lines.append("| " + Self.cells(summary).joined(separator: " | ") + " |") }
        lines += goalLines.map { $0.hasPrefix("  ") ? "- " + $0.dropFirst(2) : $0 }
        lines += unscoredLines.map { $0.hasPrefix("  ") ? "- " + $0.dropFirst(2) : $0 }
        lines += idleLines.map { $0.hasPrefix("  ") ? "- " + $0.dropFirst(2) : $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    struct Document: Codable {
        struct Goal: Codable {
            let text: String
            let measured: Double?
            let target: Double
            let atLeast: Bool
            let met: Bool?

            enum CodingKeys: String, CodingKey { case text, measured, target, atLeast = "at_least", met }
        }
        let benchmark: String
        let date: String
        let command: String
        let machine: String
        let load: String
        let runs: [HTTPRun]
        let idleMemory: [IdleMemory]
        let goals: [Goal]

        enum CodingKeys: String, CodingKey {
            case benchmark, date, command, machine, load, runs, idleMemory = "idle_memory", goals
        }
    }

    public var json: String {
        let document = Document(
            benchmark: cgi ? "http-cgi" : "http", date: date, command: command, machine: machine, load: load,
            runs: runs,
            idleMemory: idle,
            goals: goals.map {
                .init(text: $0.text, measured: $0.measured, target: $0.target, atLeast: $0.atLeast, met: $0.met)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = (try? encoder.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The chart of the keep-alive small-file series (of the C script's in
    /// the CGI suite): requests/s and server µs per request against
    /// connections.
    public func chart(title: String) -> EchoChart {
        if cgi {
            return EchoChart(
                summaries: summaries.filter { $0.workload.cgi == .c }.map(\.measurement), title: title,
                files: .init(
                    data: "cgi-chart.dat", script: "cgi-chart.gp",
                    images: ["cgi-requests-per-second.png", "cgi-server-us-per-request.png"]))
        }
        let series = summaries.filter { !$0.workload.connectionPerRequest && $0.workload.file == HTTPFiles.small }
        return EchoChart(
            summaries: series.map(\.measurement), title: title,
            files: .init(
                data: "http-chart.dat", script: "http-chart.gp",
                images: ["http-requests-per-second.png", "http-server-us-per-request.png"]))
    }
}
