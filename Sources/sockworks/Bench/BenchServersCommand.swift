import ArgumentParser
import Bench
import Glibc
import Servers

struct BenchServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "Measure every server model and the peers with an echo workload (the default).",
        discussion: """
            Starts each server as its own process pinned to the server CPU, drives it from \
            the load generator (C, on sockcore's event loop) pinned to the other CPU: closed \
            loop, every echoed byte checked, every latency kept. Per model and connection \
            count it reports requests/s, latency percentiles, the server's CPU µs per request \
            (all its processes and threads: the fair comparison once the load generator fills \
            its core), the load generator's own CPU, memory, errors and connections left \
            unserved; then the goals as ratios measured in the same run, and each model's \
            memory per idle connection. Results go to --out as JSON, CSV, Markdown and PNG \
            charts (gnuplot). Build with -c release: a debug build measures the debug build.
            """
    )

    @Option(
        name: .long, parsing: .upToNextOption,
        help: ArgumentHelp(
            "Server models to measure, as 'epoll poll' or 'epoll,poll' (values: "
                + ServerModel.allValueStrings.joined(separator: ", ")
                + "; default: every model but iterative)."),
        completion: .list(ServerModel.allValueStrings), transform: CommaSeparated.parser)
    var models = [CommaSeparated(ServerModel.allCases.filter { $0 != .iterative })]

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Peers to measure beside them: nio, asyncio, or none (default: nio asyncio).",
        completion: .list(PeerName.allValueStrings), transform: CommaSeparated.parser)
    var peers = [CommaSeparated<PeerName>([.nio, .asyncio])]

    @Option(
        name: .long, parsing: .upToNextOption,
        help: ArgumentHelp(
            "Concurrent connections, one series each, in 1...20000 "
                + "(default: 1 16 128 1000; with --quick: 1 128)."),
        transform: CommaSeparated.parser(range: 1...20_000))
    var connections: [CommaSeparated<Int>] = []

    @Option(help: "Bytes per message.")
    var size = 64

    @Option(help: "Messages in flight per connection.")
    var depth = 1

    @Option(help: "Seconds measured per run (after a 1 s warm-up).")
    var duration = 5.0

    @Option(help: "Runs per model and connection count; medians are reported.")
    var runs = 3

    @Option(help: "Folder for the result files (default: bench-results/<UTC timestamp>).")
    var out: String?

    @Flag(
        help: ArgumentHelp(
            "Measure each model again with --control and --metrics on (MODEL+control), both asked once a second.",
            discussion:
                "The goals then include each model's server CPU per request with them against without (at most 1.02)."
        ))
    var withControl = false

    @Flag(help: "One short run each at 1 and 128 connections: a first look, and what CI runs.")
    var quick = false

    @Option(
        help: "CPUs for the server and the load generator, as SERVER,LOAD (default: 0,1 when there are two or more).")
    var cpus: CPUPair?

    /// The items of the list options, every word's in order.
    private var modelList: [ServerModel] { models.flatMap(\.items) }
    private var peerList: [PeerName] { peers.flatMap(\.items) }
    private var connectionCounts: [Int] { connections.flatMap(\.items) }

    func validate() throws {
        guard (1...65536).contains(size) else { throw ValidationError("--size must be in 1...65536") }
        guard (1...64).contains(depth) else { throw ValidationError("--depth must be in 1...64") }
        guard duration > 0, duration <= 600 else { throw ValidationError("--duration must be in (0, 600]") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be in 1...20") }
        if peerList.contains(.none) && peerList.count > 1 { throw ValidationError("--peers none stands alone") }
        if modelList.isEmpty && (peerList.isEmpty || peerList == [.none]) {
            throw ValidationError("nothing to measure: give --models or --peers")
        }
    }

    func run() async throws {
        let cpuCount = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let pair = cpus ?? (cpuCount >= 2 ? CPUPair(server: 0, load: 1) : nil)
        raiseDescriptorLimit()

        var configuration = EchoBenchmark.Configuration()
        configuration.connections =
            !connectionCounts.isEmpty ? connectionCounts : quick ? [1, 128] : [1, 16, 128, 1000]
        configuration.size = size
        configuration.depth = depth
        configuration.duration = quick ? .milliseconds(1000) : .milliseconds(Int64(duration * 1000))
        configuration.warmup = quick ? .milliseconds(300) : .seconds(1)
        configuration.runs = quick ? 1 : runs
        configuration.serverCPU = pair?.server
        configuration.loadCPU = pair?.load
        configuration.idleConnections = quick ? 200 : 1000
        let executable = try BenchPaths.ownExecutable()
        configuration.loadCommand = [executable, "loadgen"]

        let folder = out ?? "bench-results/\(BenchPaths.timestamp())"
        try BenchPaths.makeFolder(folder)
        var targets: [EchoTarget] = []
        for model in modelList {
            let command =
                [executable, "serve", "echo", "--model", model.rawValue, "--port", "0"]
                + (model.hasWorkers ? ["--workers", "1"] : [])
            targets.append(EchoTarget(name: model.rawValue, isPeer: false, command: command))
            if withControl {
                let endpoints = ControlEndpoints(
                    controlPath: folder + "/\(model.rawValue).control",
                    metricsPort: try ControlEndpoints.freePort())
                targets.append(
                    EchoTarget(
                        name: model.rawValue + EchoGoal.controlSuffix, isPeer: false,
                        command: command + endpoints.arguments, endpoints: endpoints))
            }
        }
        for peer in peerList where peer != .none {
            switch await PeerBuilder.target(for: peer.rawValue, progress: { writeStandardError($0 + "\n") }) {
            case .success(let target): targets.append(target)
            case .failure(let reason): writeStandardError("skipped \(peer.rawValue): \(reason)\n")
            }
        }
        configuration.targets = targets

        let machine = cpuDescription()
        writeStandardError(
            "echo benchmark: \(targets.count) servers, connections \(configuration.connections), \(size) B, depth \(depth), server CPU \(pair.map { "\($0.server)" } ?? "any"), load CPU \(pair.map { "\($0.load)" } ?? "any")\n"
        )

        let benchmark = EchoBenchmark(configuration)
        let (measured, idle) = try await benchmark.run(
            progress: { writeStandardError($0 + "\n") },
            finished: { run in
                writeStandardError("  " + run.summaryLine + "\n")
            },
            skipped: { name, why in writeStandardError("skipped \(name): \(why)\n") })

        let report = EchoReport(
            runs: measured, idle: idle, date: BenchPaths.timestamp(),
            command: (["sockworks"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            machine: machine)
        writeStandardOutput(report.text)
        try BenchPaths.write(report.json, to: folder + "/results.json")
        try BenchPaths.write(report.csv, to: folder + "/results.csv")
        try BenchPaths.write(report.markdown, to: folder + "/results.md")
        let chart = EchoChart(
            summaries: report.summaries,
            title: "echo, \(size) B messages, depth \(depth): \(machine)")
        try BenchPaths.write(chart.data, to: folder + "/" + EchoChart.dataFile)
        try BenchPaths.write(chart.script, to: folder + "/" + EchoChart.scriptFile)
        let charts = await BenchPaths.renderCharts(in: folder)
        writeStandardError(
            "results in \(folder)/ (results.json, results.csv, results.md\(charts ? ", " + EchoChart.images.joined(separator: ", ") : "; no charts: gnuplot is not installed"))\n"
        )
    }
}
