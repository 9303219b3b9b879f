import FoundationEssentials

/// The datagram suite's results: a table, the goal line, and the same as
/// JSON and Markdown.
public struct UDPReport: Sendable, Codable {
    public var runs: [UDPRun]
    public var date: String
    public var command: String
    public var machine: String

    public init(runs: [UDPRun], date: String, command: String, machine: String) {
        self.runs = runs
        self.date = date
        self.command = command
        self.machine = machine
    }

    /// The goal: the batched server at most this fraction of the
    /// plain one's CPU per datagram at 64 in flight.
    public static let goal = 0.60

    /// Batched over plain server CPU per datagram at 64 in flight; nil
    /// without both runs.
    public var ratioAt64: Double? {
        guard let plain = run("plain", depth: 64), let batched = run("batched", depth: 64),
            plain.serverCPUPerDatagramNs > 0
        else { return nil }
        return batched.serverCPUPerDatagramNs / plain.serverCPUPerDatagramNs
    }

    public var goalLine: String {
        let ratio = ratioAt64.map { fixed($0, 2) } ?? "n/a"
        return "batched / plain server CPU per datagram at 64 in flight: \(ratio) (goal ≤ "
            + "\(fixed(Self.goal, 2)))"
    }

    private func run(_ server: String, depth: Int) -> UDPRun? {
        runs.first { $0.server == server && $0.depth == depth }
    }

    private static let header = [
        "server", "in flight", "datagrams/s", "server CPU µs/datagram", "p50 µs", "p99 µs", "lost", "stray",
        "corrupted",
    ]

    private var rows: [[String]] {
        runs.map { run in
            [
                run.server, "\(run.depth)", "\(Int(run.load.datagramsPerSecond.rounded()))",
                fixed(run.serverCPUPerDatagramNs / 1000, 2),
                fixed(Double(run.load.p50Ns) / 1000, 1),
                fixed(Double(run.load.p99Ns) / 1000, 1), "\(run.load.lost)", "\(run.load.stray)",
                "\(run.load.corrupted)",
            ]
        }
    }

    /// The table as text, then the goal line.
    public var text: String {
        var table = TextTable(header: Self.header)
        for row in rows { table.add(row) }
        return table.render() + "\n" + goalLine + "\n"
    }

    public var markdown: String {
        var lines = [
            "# sockworks bench udp", "", "\(date), \(machine)", "", "`\(command)`", "",
            "| " + Self.header.joined(separator: " | ") + " |",
            "|" + String(repeating: "---|", count: Self.header.count),
        ]
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        lines += ["", goalLine]
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
