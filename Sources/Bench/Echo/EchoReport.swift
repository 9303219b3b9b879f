import FoundationEssentials

/// The server-model benchmark's results as tables and data files.
public struct EchoReport: Sendable {
    public var runs: [EchoRun]
    public var idle: [IdleMemory]
    /// Where and how it ran, for the data files and the Markdown heading.
    public var date: String
    public var command: String
    public var machine: String

    public init(runs: [EchoRun], idle: [IdleMemory], date: String, command: String, machine: String) {
        self.runs = runs
        self.idle = idle
        self.date = date
        self.command = command
        self.machine = machine
    }

    public var summaries: [EchoSummary] { EchoSummary.group(runs) }
    public var goals: [EchoGoal] { EchoGoal.evaluate(summaries) }

    static let header = [
        "server", "conns", "req/s", "p50 µs", "p90 µs", "p99 µs", "max µs", "srv µs/req", "load µs/req",
        "RSS MiB", "PSS MiB", "errors", "unserved", "spread", "runs",
    ]

    static func cells(_ s: EchoSummary) -> [String] {
        let disturbed = s.disturbedRuns > 0 ? " (\(s.disturbedRuns) disturbed)" : ""
        return [
            s.isPeer ? "\(s.server) (peer)" : s.server, "\(s.connections)", fixed(s.requestsPerSecond, 0),
            fixed(s.latency.p50, 1), fixed(s.latency.p90, 1), fixed(s.latency.p99, 1), fixed(s.latency.max, 0),
            fixed(s.serverMicrosPerRequest, 2), fixed(s.loadMicrosPerRequest, 2),
            fixed(Double(s.peakRSSKiB) / 1024, 1), fixed(Double(s.pssKiB) / 1024, 1),
            "\(s.errors)", "\(s.unserved)", fixed(s.spread * 100, 1) + "%", "\(s.runs.count)\(disturbed)",
        ]
    }

    /// The results table for a terminal.
    public var text: String {
        var table = TextTable(header: Self.header)
        for summary in summaries { table.add(Self.cells(summary)) }
        var lines = [table.render()]
        lines += goalLines + idleLines
        return lines.joined(separator: "\n") + "\n"
    }

    var goalLines: [String] {
        let measured = goals.filter { $0.measured != nil }
        guard !measured.isEmpty else { return [] }
        return ["", "Goals (same run):"]
            + measured.map { goal in
                let verdict = goal.met == true ? "met" : "missed"
                return "  \(goal.text): \(fixed(goal.measured!, 2)) (goal ≤ \(fixed(goal.target, 2))): \(verdict)"
            }
    }

    var idleLines: [String] { IdleMemory.reportLines(idle, idling: "idle connection") }

    /// A Markdown section for the README: the command, the date, the table,
    /// the goals.
    public var markdown: String {
        var lines = ["Measured \(date) on \(machine) with `\(command)`:", ""]
        lines.append("| " + Self.header.joined(separator: " | ") + " |")
        lines.append(
            "|" + Self.header.enumerated().map { $0.offset == 0 ? "---" : "---:" }.joined(separator: "|") + "|")
        for summary in summaries { lines.append("| " + Self.cells(summary).joined(separator: " | ") + " |") }
        lines += goalLines.map { $0.hasPrefix("  ") ? "- " + $0.dropFirst(2) : $0 }
        lines += idleLines.map { $0.hasPrefix("  ") ? "- " + $0.dropFirst(2) : $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per run.
    public var csv: String {
        var lines = [
            "server,peer,connections,size,depth,run,seconds,requests,req_per_s,p50_us,p90_us,p99_us,max_us,"
                + "server_cpu_s,server_us_per_req,load_cpu_s,load_us_per_req,peak_rss_kib,pss_kib,errors,"
                + "unserved,other_load_cpus,disturbed"
        ]
        for r in runs {
            let fields: [String] = [
                r.server, "\(r.isPeer)", "\(r.connections)", "\(r.size)", "\(r.depth)", "\(r.run)",
                fixed(r.seconds, 3), "\(r.requests)", fixed(r.requestsPerSecond, 1), fixed(r.latency.p50, 2),
                fixed(r.latency.p90, 2), fixed(r.latency.p99, 2), fixed(r.latency.max, 2),
                fixed(r.serverCPUSeconds, 3), fixed(r.serverMicrosPerRequest, 3), fixed(r.loadCPUSeconds, 3),
                fixed(r.loadMicrosPerRequest, 3), "\(r.serverPeakRSSKiB)", "\(r.serverPSSKiB)", "\(r.errors)",
                "\(r.unserved)", fixed(r.otherLoadCPUs, 3), "\(r.disturbed)",
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct Document: Codable {
        struct Goal: Codable {
            let text: String
            let measured: Double?
            let target: Double
            let met: Bool?
        }
        let benchmark: String
        let date: String
        let command: String
        let machine: String
        let runs: [EchoRun]
        let idleMemory: [IdleMemory]
        let goals: [Goal]

        enum CodingKeys: String, CodingKey {
            case benchmark, date, command, machine, runs, idleMemory = "idle_memory", goals
        }
    }

    /// Everything, raw: every run, the idle-memory measurements, the goals.
    public var json: String {
        let document = Document(
            benchmark: "echo", date: date, command: command, machine: machine, runs: runs, idleMemory: idle,
            goals: goals.map { .init(text: $0.text, measured: $0.measured, target: $0.target, met: $0.met) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = (try? encoder.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
