import ArgumentParser
import Bench
import Glibc

struct BenchUDPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udp",
        abstract: "Measure the plain and the batched datagram echo server.",
        discussion: """
            Runs `serve echo --udp` (one recvfrom and sendto per datagram) and `serve echo \
            --udp --batch` (recvmmsg/sendmmsg, up to 64 datagrams a call) pinned to the server \
            CPU, and the load generator's datagram mode on the other CPU with 1 and 64 \
            datagrams of 64 bytes in flight, first making a call per datagram ("single"), then \
            batching as a QUIC client does ("batched": it receives with UDP_GRO and sends the \
            datagrams of one wake-up as segmented messages): every reply is checked, a \
            datagram unanswered in 200 ms is counted lost. Reports datagrams/s, the server's \
            CPU µs per datagram (from /proc over the measured window), replies per receive \
            call, latency and losses, and a goal line per load generator: the batched server's \
            CPU per datagram over the plain one's at 64 in flight under the same generator. \
            Results go to --out as JSON and Markdown. Build with -c release: a debug build \
            measures the debug build.
            """
    )

    @Option(
        help: "CPUs for the server and the load generator, as SERVER,LOAD (default: 0,1 when there are two or more).")
    var cpus: CPUPair?

    @Option(help: "Seconds measured per run (after a 1 s warm-up).")
    var duration: Double = 5

    @Option(help: "Folder for the result files (default: bench-results/udp-<UTC timestamp>).")
    var out: String?

    @Flag(help: "A short run for CI: 0.5 s per run after 0.2 s of warm-up.")
    var quick = false

    func validate() throws {
        guard duration > 0, duration <= 600 else { throw ValidationError("--duration must be in (0, 600]") }
    }

    func run() async throws {
        let cpuCount = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let pair = cpus ?? (cpuCount >= 2 ? CPUPair(server: 0, load: 1) : nil)
        let folder = out ?? "bench-results/udp-\(BenchPaths.timestamp())"
        var configuration = UDPBenchmark.Configuration(executable: try BenchPaths.ownExecutable())
        configuration.serverCPU = pair?.server
        configuration.loadCPU = pair?.load
        configuration.warmup = quick ? .milliseconds(200) : .seconds(1)
        configuration.duration = quick ? .milliseconds(500) : .milliseconds(Int64(duration * 1000))
        let machine = cpuDescription()
        writeStandardError(
            "udp benchmark: server CPU \(pair.map { "\($0.server)" } ?? "any"), load CPU \(pair.map { "\($0.load)" } ?? "any")\n"
        )
        let runs = try await UDPBenchmark(configuration).run { writeStandardError($0 + "\n") }
        let report = UDPReport(
            runs: runs, date: BenchPaths.timestamp(),
            command: (["sockworks"] + CommandLine.arguments.dropFirst()).joined(separator: " "), machine: machine)
        writeStandardOutput(report.text)
        try BenchPaths.makeFolder(folder)
        try BenchPaths.write(report.json, to: folder + "/results.json")
        try BenchPaths.write(report.markdown, to: folder + "/results.md")
        writeStandardError("results in \(folder)/ (results.json, results.md)\n")
    }
}
