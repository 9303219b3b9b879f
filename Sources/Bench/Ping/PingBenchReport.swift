/// The ping benchmark's numbers: medians per program, and icmpping's
/// ratios to iputils with the project's goals (at least iputils' flood
/// rate; a single probe at most twice iputils' process time).
public struct PingBenchReport: Sendable {
    public let results: PingBenchmark.Results
    /// The program the others are compared with.
    public let reference: String

    public init(results: PingBenchmark.Results, reference: String = "iputils") {
        self.results = results
        self.reference = reference
    }

    public struct Row: Sendable, Equatable {
        public var name: String
        /// Median over the flood rounds.
        public var probesPerSecond: Double
        public var reportedProbesPerSecond: Double
        public var cpuMicrosecondsPerProbe: Double
        /// Median over the single-probe runs.
        public var singleCPUMilliseconds: Double
        public var singleWallMilliseconds: Double
    }

    public var rows: [Row] {
        results.programs.map { program in
            let flood = results.flood[program.name] ?? []
            let single = results.single[program.name] ?? []
            return Row(
                name: program.name,
                probesPerSecond: medianOrNaN(flood.map(\.probesPerSecond)),
                reportedProbesPerSecond: medianOrNaN(
                    flood.map {
                        Double($0.transmitted) * 1000 / Double(max($0.reportedMilliseconds, 1))
                    }),
                cpuMicrosecondsPerProbe: medianOrNaN(flood.map { $0.cpuSeconds * 1e6 / Double($0.transmitted) }),
                singleCPUMilliseconds: medianOrNaN(single.map { $0.cpuSeconds * 1000 }),
                singleWallMilliseconds: medianOrNaN(single.map { $0.wallSeconds * 1000 }))
        }
    }

    /// icmpping's flood rate over the reference's (goal: at least 1).
    public var floodRatio: Double? { ratio(\.probesPerSecond) }
    /// icmpping's single-probe process time over the reference's (goal: at most 2).
    public var singleCPURatio: Double? { ratio(\.singleCPUMilliseconds) }

    private func ratio(_ value: KeyPath<Row, Double>) -> Double? {
        let rows = rows
        guard let ours = rows.first(where: { $0.name != reference }),
            let theirs = rows.first(where: { $0.name == reference })
        else { return nil }
        return ours[keyPath: value] / theirs[keyPath: value]
    }

    public var text: String {
        let c = results.configuration
        var table = TextTable(header: [
            "program", "flood probes/s", "(own time)", "CPU µs/probe",
            "-c 1 CPU ms", "-c 1 wall ms",
        ])
        for row in rows {
            table.add([
                row.name, fixed(row.probesPerSecond, 0), fixed(row.reportedProbesPerSecond, 0),
                fixed(row.cpuMicrosecondsPerProbe, 2), fixed(row.singleCPUMilliseconds, 2),
                fixed(row.singleWallMilliseconds, 2),
            ])
        }
        var text =
            "ping -f -q -c \(c.floodProbes) \(c.host): median of \(c.floodRounds) runs each; "
            + "-c 1: median of \(c.singleRuns) runs each; programs take turns.\n"
            + "probes/s = probes / process wall time (start-up included); own time = the program's `time Nms`.\n\n"
            + table.render() + "\n\n"
        if let floodRatio {
            text +=
                "flood rate icmpping/\(reference): \(fixed(floodRatio, 2)) (goal >= 1.00: \(floodRatio >= 1 ? "met" : "missed"))\n"
        }
        if let singleCPURatio {
            text +=
                "-c 1 process time icmpping/\(reference): \(fixed(singleCPURatio, 2)) (goal <= 2.00: \(singleCPURatio <= 2 ? "met" : "missed"))\n"
        }
        return text
    }

    public var json: String {
        let entries = rows.map { row in
            "{\"program\":\"\(row.name)\",\"flood_probes_per_second\":\(fixed(row.probesPerSecond, 1)),"
                + "\"flood_probes_per_second_own_time\":\(fixed(row.reportedProbesPerSecond, 1)),"
                + "\"flood_cpu_us_per_probe\":\(fixed(row.cpuMicrosecondsPerProbe, 3)),"
                + "\"single_cpu_ms\":\(fixed(row.singleCPUMilliseconds, 3)),"
                + "\"single_wall_ms\":\(fixed(row.singleWallMilliseconds, 3))}"
        }
        let ratios =
            "\"flood_ratio\":\(floodRatio.map { fixed($0, 3) } ?? "null"),"
            + "\"single_cpu_ratio\":\(singleCPURatio.map { fixed($0, 3) } ?? "null")"
        return "{\"programs\":[\(entries.joined(separator: ","))],\(ratios)}"
    }

    private func medianOrNaN(_ values: [Double]) -> Double { values.isEmpty ? .nan : median(values) }
}
