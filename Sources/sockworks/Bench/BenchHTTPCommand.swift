import ArgumentParser
import Bench
import Glibc
import Servers

struct BenchHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Measure the web server on the sockworks models against nginx, lighttpd and Python.",
        discussion: """
            Serves a 1 KiB and a 64 MiB file from one document root with each server, one \
            worker each and no access log, pinned to the server CPU; the load generator on \
            the other CPU GETs them (keep-alive at 1, 16, 128 and 1000 connections, a new \
            connection per request at 16, the large file over one connection) and checks \
            every response's status, length and body. Reports requests/s, throughput, \
            latency, the server's CPU µs per request, memory and errors; the goals as \
            ratios to the best peer of the same run; memory per idle keep-alive connection. \
            Results go to --out as JSON, Markdown and PNG charts (gnuplot). Build with -c \
            release: a debug build measures the debug build.

            With --cgi, a CGI workload instead: keep-alive GET of /cgi-bin/hello (a C \
            program the suite compiles with cc -O2) and /cgi-bin/hello.py (the same output \
            from Python 3), each at 1 and 16 connections, against the sockworks models \
            (--cgi-bin) and lighttpd with mod_cgi; nginx has no CGI and is skipped. Every \
            request starts a process, so 16 connections already keep the server's CPU busy \
            on a two-core machine and 128 would only queue. The server's CPU counts its \
            scripts (the time of the children it has reaped); goals are ratios to lighttpd \
            for the C script.
            """
    )

    enum Load: String, ExpressibleByArgument, CaseIterable {
        case loadgen, wrk
    }

    @Option(
        name: .long, parsing: .upToNextOption,
        help: ArgumentHelp(
            "Servers to measure: sockworks models or peers ("
                + (ServerModel.allCases.filter { $0 != .epollC }.map(\.rawValue) + HTTPPeer.allCases.map(\.rawValue))
                .joined(separator: ", ")
                + "; default: epoll nginx lighttpd python; with --cgi: epoll nginx lighttpd, nginx skipped)."),
        transform: CommaSeparated.parser(valid: "a server model or a peer") { name in
            ServerModel(rawValue: name) != nil || HTTPPeer(rawValue: name) != nil ? name : nil
        })
    var servers: [CommaSeparated<String>] = []

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "More sockworks models to measure beside --servers (every model but epoll-c).",
        completion: .list(ServerModel.allValueStrings), transform: CommaSeparated.parser)
    var models: [CommaSeparated<ServerModel>] = []

    @Option(help: "The load: loadgen (every body checked) or wrk (a cross-check; bodies unchecked).")
    var load: Load = .loadgen

    @Option(help: "Seconds measured per run (after a 1 s warm-up).")
    var duration = 5.0

    @Option(help: "Runs per server and workload; medians are reported.")
    var runs = 3

    @Option(help: "Folder for the result files (default: bench-results/http-<UTC timestamp>).")
    var out: String?

    @Flag(
        help: """
            One short run each at 1 and 128 keep-alive connections, the 1 KiB file only (with --cgi: the C \
            script at 16): what CI runs.
            """)
    var quick = false

    @Flag(help: "Measure CGI scripts (a C and a Python one) instead of static files.")
    var cgi = false

    @Option(
        help: "CPUs for the server and the load generator, as SERVER,LOAD (default: 0,1 when there are two or more).")
    var cpus: CPUPair?

    private var serverNames: [String] {
        let named = servers.flatMap(\.items)
        let peers = cgi ? ["nginx", "lighttpd"] : ["nginx", "lighttpd", "python"]
        return (named.isEmpty ? ["epoll"] + peers : named)
            + models.flatMap(\.items).map(\.rawValue)
    }

    func validate() throws {
        for name in serverNames where ServerModel(rawValue: name) == nil && HTTPPeer(rawValue: name) == nil {
            throw ValidationError("unknown server \(name)")
        }
        if serverNames.contains(ServerModel.epollC.rawValue) {
            throw ValidationError("epoll-c serves echo only")
        }
        guard duration > 0, duration <= 600 else { throw ValidationError("--duration must be in (0, 600]") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be in 1...20") }
    }

    func run() async throws {
        let cpuCount = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let pair = cpus ?? (cpuCount >= 2 ? CPUPair(server: 0, load: 1) : nil)
        raiseDescriptorLimit()
        let folder = out ?? "bench-results/http-\(BenchPaths.timestamp())"
        let root = try absolute(folder) + "/www"
        var configuration = HTTPBenchmark.Configuration()
        let cgiBin = try absolute(folder) + "/cgi-bin"
        if cgi {
            configuration.workloads = quick ? HTTPWorkload.cgiQuick : HTTPWorkload.cgi
            try BenchPaths.makeFolder(root)
            try BenchPaths.write(CGIScript.body, to: root + "/" + CGIScript.output.name)
            try await CGIScript.writeFolder(cgiBin)
        } else {
            configuration.workloads = quick ? HTTPWorkload.quick : HTTPWorkload.full
            try HTTPFiles.writeRoot(root, files: Array(Set(configuration.workloads.map(\.file))))
        }
        configuration.root = root
        configuration.duration = quick ? .milliseconds(1000) : .milliseconds(Int64(duration * 1000))
        configuration.warmup = quick ? .milliseconds(300) : .seconds(1)
        configuration.runs = quick ? 1 : runs
        configuration.serverCPU = pair?.server
        configuration.loadCPU = pair?.load
        // Idle connections cost the same with or without CGI: the static
        // suite measures them.
        configuration.idleConnections = cgi ? 0 : quick ? 200 : 1000
        let executable = try BenchPaths.ownExecutable()
        configuration.loadCommand = [executable, "loadgen"]
        if load == .wrk {
            let script = try absolute(folder) + "/wrk-report.lua"
            try BenchPaths.write(HTTPWrk.script, to: script)
            configuration.wrkScript = script
        }

        var targets: [EchoTarget] = []
        for name in serverNames {
            if let model = ServerModel(rawValue: name) {
                targets.append(
                    EchoTarget(
                        name: name, isPeer: false,
                        command: [executable, "serve", "http", "--model", name, "--root", root, "--port", "0"]
                            + (model.hasWorkers ? ["--workers", "1"] : []) + cgiArguments(cgiBin: cgiBin)))
            } else if let peer = HTTPPeer(rawValue: name) {
                switch try peer.target(root: root, folder: try absolute(folder), cgiBin: cgi ? cgiBin : nil) {
                case .success(let target): targets.append(target)
                case .failure(let reason): writeStandardError("skipped \(name): \(reason)\n")
                }
            }
        }
        configuration.targets = targets
        let machine = cpuDescription()
        writeStandardError(
            "http benchmark: \(targets.count) servers, \(configuration.workloads.count) workloads, load \(load.rawValue), server CPU \(pair.map { "\($0.server)" } ?? "any"), load CPU \(pair.map { "\($0.load)" } ?? "any")\n"
        )
        let (measured, idle) = try await HTTPBenchmark(configuration).run(
            progress: { writeStandardError($0 + "\n") },
            finished: { writeStandardError("  " + $0.summaryLine + "\n") },
            skipped: { name, why in writeStandardError("skipped \(name): \(why)\n") })
        let report = HTTPReport(
            runs: measured, idle: idle, date: BenchPaths.timestamp(),
            command: (["sockworks"] + CommandLine.arguments.dropFirst()).joined(separator: " "), machine: machine,
            load: load == .wrk ? "wrk -t1" : "sockworks loadgen", cgi: cgi)
        writeStandardOutput(report.text)
        try BenchPaths.write(report.json, to: folder + "/results.json")
        try BenchPaths.write(report.markdown, to: folder + "/results.md")
        let chart = report.chart(
            title: cgi ? "CGI, a C script, keep-alive: \(machine)" : "static 1 KiB file, keep-alive: \(machine)")
        try BenchPaths.write(chart.data, to: folder + "/" + chart.files.data)
        try BenchPaths.write(chart.script, to: folder + "/" + chart.files.script)
        let charts = await BenchPaths.renderCharts(in: folder, script: chart.files.script)
        writeStandardError(
            "results in \(folder)/ (results.json, results.md\(charts ? ", " + chart.files.images.joined(separator: ", ") : "; no charts: gnuplot is not installed"))\n"
        )
    }

    /// The server's CGI options with --cgi: the scripts' folder, and room for
    /// twice as many scripts at once as there are connections (one request
    /// in flight on each), so that a script that has answered but is not
    /// yet reaped cannot make the server answer 503.
    private func cgiArguments(cgiBin: String) -> [String] {
        guard cgi else { return [] }
        let connections = HTTPWorkload.cgi.map(\.connections).max() ?? 16
        return ["--cgi-bin", cgiBin, "--cgi-max", "\(2 * connections)"]
    }

    /// `path` from the root: the servers run in other folders.
    private func absolute(_ path: String) throws -> String {
        try BenchPaths.makeFolder(path)
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { throw BenchError("cannot read the working folder") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
    }
}
