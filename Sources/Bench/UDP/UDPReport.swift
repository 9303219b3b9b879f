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

    /// Batched over plain server CPU per datagram at 64 in flight, both
    /// under the same load generator; nil without both runs.
    public func ratioAt64(batchedClient: Bool) -> Double? {
        guard let plain = run("plain", depth: 64, batchedClient: batchedClient),
            let batched = run("batched", depth: 64, batchedClient: batchedClient),
            plain.serverCPUPerDatagramNs > 0
        else { return nil }
        return batched.serverCPUPerDatagramNs / plain.serverCPUPerDatagramNs
    }

    /// One line per load generator, each ratio against the plain server
    /// under the same one.
    public var goalLines: [String] {
        [false, true].map { batchedClient in
            let ratio = ratioAt64(batchedClient: batchedClient).map { fixed($0, 2) } ?? "n/a"
            return "batched / plain server CPU per datagram at 64 in flight, client "
                + "\(UDPRun.clientName(batchedClient)): \(ratio) (goal ≤ \(fixed(Self.goal, 2)))"
        }
    }

    private func run(_ server: String, depth: Int, batchedClient: Bool) -> UDPRun? {
        runs.first { $0.server == server && $0.depth == depth && $0.batchedClient == batchedClient }
    }

    private static let header = [
        "server", "in flight", "client", "datagrams/s", "server CPU µs/datagram", "replies/receive", "p50 µs", "p99 µs",
        "lost", "stray",
        "corrupted",
    ]

    private var rows: [[String]] {
        runs.map { run in
            [
                run.server, "\(run.depth)", UDPRun.clientName(run.batchedClient),
                "\(Int(run.load.datagramsPerSecond.rounded()))",
                fixed(run.serverCPUPerDatagramNs / 1000, 2), fixed(run.load.datagramsPerReceive, 1),
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
        return table.render() + "\n" + goalLines.joined(separator: "\n") + "\n"
    }

    public var markdown: String {
        var lines = [
            "# sockworks bench udp", "", "\(date), \(machine)", "", "`\(command)`", "",
            "| " + Self.header.joined(separator: " | ") + " |",
            "|" + String(repeating: "---|", count: Self.header.count),
        ]
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        lines += [""] + goalLines.map { $0 + "  " }
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
