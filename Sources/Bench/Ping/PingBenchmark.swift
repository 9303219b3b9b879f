/// icmpping side by side with iputils ping in one run: flood mode on
/// loopback (probes per second) and single-probe runs (process time).
/// The programs take turns, first one then the other, so that a slow
/// moment of the machine falls on both.
public struct PingBenchmark: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// Probes per flood run (`-f -c N`).
        public var floodProbes = 20_000
        /// Flood runs per program; the median is reported.
        public var floodRounds = 5
        /// `-c 1` runs per program.
        public var singleRuns = 30
        public init() {}
    }

    public struct Results: Sendable {
        public var configuration: Configuration
        public var programs: [PingProgram]
        /// Per program name, in run order.
        public var flood: [String: [PingProgramRun]]
        public var single: [String: [PingProgramRun]]
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    public func run(_ programs: [PingProgram], progress: (String) -> Void) async throws(BenchError) -> Results {
        var results = Results(configuration: configuration, programs: programs, flood: [:], single: [:])
        let flood = ["-f", "-q", "-c", "\(configuration.floodProbes)", configuration.host]
        for round in 0..<configuration.floodRounds {
            progress("flood round \(round + 1) of \(configuration.floodRounds) (-f -c \(configuration.floodProbes))")
            for program in alternating(programs, round) {
                let run = try await PingProgramRun.measure(program, flood)
                guard run.received == run.transmitted else {
                    throw BenchError(
                        "\(program.name) lost \(run.transmitted - run.received) of \(run.transmitted) probes on \(configuration.host)"
                    )
                }
                results.flood[program.name, default: []].append(run)
            }
        }
        progress("\(configuration.singleRuns) single-probe runs each (-c 1)")
        for index in 0..<configuration.singleRuns {
            for program in alternating(programs, index) {
                let run = try await PingProgramRun.measure(program, ["-q", "-c", "1", configuration.host])
                results.single[program.name, default: []].append(run)
            }
        }
        return results
    }

    private func alternating(_ programs: [PingProgram], _ round: Int) -> [PingProgram] {
        round % 2 == 0 ? programs : programs.reversed()
    }
}
