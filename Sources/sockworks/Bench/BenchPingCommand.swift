import ArgumentParser
import Bench
import Glibc

struct BenchPingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Measure icmpping against iputils ping: flood rate on loopback, and the cost of one probe.",
        discussion: """
            Runs `-f -q -c N 127.0.0.1` with each program in turn (--rounds times each) and \
            `-q -c 1 127.0.0.1` (--single-runs times each), and prints medians: probes per \
            second over the process's wall time, CPU per probe, and the process time of a \
            one-probe run, with icmpping's ratios to iputils. Needs root (flood mode and raw \
            sockets) and a release build of icmpping beside this executable.
            """
    )

    @Option(help: "Probes per flood run.")
    var probes = 20_000

    @Option(help: "Flood runs per program.")
    var rounds = 5

    @Option(help: "Single-probe runs per program.")
    var singleRuns = 30

    @Option(help: "The iputils ping to compare with.")
    var ping = "/usr/bin/ping"

    @Option(help: "The icmpping to measure (default: the one beside this executable).")
    var icmpping: String?

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Flag(help: "Fewer and shorter runs: a first look, and what CI runs.")
    var quick = false

    func validate() throws {
        guard probes >= 1, rounds >= 1, singleRuns >= 1 else {
            throw ValidationError("--probes, --rounds and --single-runs must be at least 1")
        }
        guard geteuid() == 0 else { throw ValidationError("flood mode needs root: run as root") }
    }

    func run() async throws {
        let ours = try icmpping ?? BenchPaths.sibling("icmpping")
        for (path, how) in [
            (ping, "apt-get install iputils-ping"), (ours, "swift build -c release --product icmpping"),
        ]
        where access(path, X_OK) != 0 {
            throw BenchError("\(path) is not there (\(how))")
        }
        var configuration = PingBenchmark.Configuration()
        configuration.floodProbes = quick ? min(probes, 5_000) : probes
        configuration.floodRounds = quick ? 2 : rounds
        configuration.singleRuns = quick ? 5 : singleRuns
        let benchmark = PingBenchmark(configuration)
        let results = try await benchmark.run(
            [PingProgram(name: "iputils", path: ping), PingProgram(name: "icmpping", path: ours)]
        ) { line in writeStandardError(line + "\n") }
        let report = PingBenchReport(results: results)
        print(json ? report.json : report.text, terminator: json ? "\n" : "")
    }
}
