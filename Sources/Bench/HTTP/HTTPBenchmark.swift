/// The web-server benchmark: every workload against every target, with the
/// echo suite's harness (servers as their own processes pinned to one CPU,
/// the load generator on the other, the server's CPU over exactly the
/// measured window, a guard against other load).
public struct HTTPBenchmark: Sendable {
    public struct Configuration: Sendable {
        public var targets: [EchoTarget] = []
        public var workloads = HTTPWorkload.full
        /// The document root every target serves (HTTPFiles).
        public var root = ""
        public var warmup: Duration = .seconds(1)
        public var duration: Duration = .seconds(5)
        public var runs = 3
        public var serverCPU: Int?
        public var loadCPU: Int?
        /// How to start the load generator (`sockworks loadgen`), before its
        /// per-run arguments.
        public var loadCommand: [String] = []
        /// The wrk Lua script (HTTPWrk) to load with instead; nil: the
        /// load generator.
        public var wrkScript: String?
        /// Idle keep-alive connections for the memory measurement; 0 skips it.
        public var idleConnections = 1000
        public var disturbedAbove = 0.15

        public init() {}
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Runs everything; a target that fails to start is reported through
    /// `skipped` and the rest go on.
    ///
    /// Every server is started first and the runs go round them: each
    /// workload's run 1 on every server, then run 2, and so on. A machine
    /// whose speed drifts during the suite (a shared host, a CPU that
    /// warms) then shifts every server's numbers alike, where one server
    /// after another would give the drift to whichever ran at the worst
    /// time. An idle server waits in epoll_wait and costs the others
    /// nothing.
    public func run(
        progress: @Sendable (String) -> Void,
        finished: @Sendable (HTTPRun) -> Void,
        skipped: @Sendable (String, String) -> Void
    ) async throws -> (runs: [HTTPRun], idle: [IdleMemory]) {
        let c = configuration
        var servers: [(target: EchoTarget, session: ServerSession)] = []
        for target in c.targets {
            do {
                let session = try await ServerSession.start(target, cpu: c.serverCPU)
                servers.append((target, session))
                if c.workloads.contains(where: { $0.cgi != nil }), session.running.tree.ignoresChildExits() {
                    progress("\(target.name) ignores SIGCHLD: the time of its scripts is not counted")
                }
            } catch {
                skipped(target.name, "\(error)")
            }
        }
        let total = servers.count * c.workloads.count * c.runs
        var done = 0
        var runs: [HTTPRun] = []
        do {
            for workload in c.workloads {
                for run in 1...c.runs {
                    for (target, session) in servers {
                        done += 1
                        progress("[\(done)/\(total)] \(target.name), \(workload.name), run \(run) of \(c.runs)")
                        var measured = try await measure(target, session.running, workload, run: run)
                        if measured.measurement.disturbed {
                            progress("[\(done)/\(total)] \(target.name): other load during the run, repeating it")
                            measured = try await measure(target, session.running, workload, run: run)
                        }
                        finished(measured)
                        runs.append(measured)
                    }
                }
            }
        } catch {
            for (_, session) in servers { await session.stop() }
            throw error
        }
        for (_, session) in servers { await session.stop() }
        var idle: [IdleMemory] = []
        if c.idleConnections > 0 {
            for (target, _) in servers {
                progress("\(target.name): memory with \(c.idleConnections) idle keep-alive connections")
                let probe = IdleMemoryProbe(
                    connections: c.idleConnections, cpu: c.serverCPU, exchange: .get(HTTPFiles.small))
                idle.append(try await probe.measure(target))
            }
        }
        return (runs, idle)
    }

    func loadArguments(_ workload: HTTPWorkload, port: UInt16) -> [String] {
        let c = configuration
        if let script = c.wrkScript {
            let seconds = max(1, Int(EchoBenchmark.seconds(c.duration).rounded()))
            return ["wrk", "-t1", "-c\(workload.connections)", "-d\(seconds)s", "--latency", "-s", script]
                + (workload.connectionPerRequest ? ["-H", "Connection: close"] : [])
                + ["http://127.0.0.1:\(port)\(workload.path)"]
        }
        return c.loadCommand + [
            "--port", "\(port)", "--connections", "\(workload.connections)",
            "--warmup", EchoBenchmark.argument(c.warmup), "--duration", EchoBenchmark.argument(c.duration),
            "--http-path", workload.path, "--http-body", c.root + "/" + workload.file.name,
        ] + (workload.checksumOnly ? ["--checksum"] : [])
            + (workload.connectionPerRequest ? ["--connection-per-request"] : [])
    }

    private func measure(_ target: EchoTarget, _ server: RunningServer, _ workload: HTTPWorkload, run: Int)
        async throws -> HTTPRun
    {
        let c = configuration
        let outcome = try await LoadRun(command: loadArguments(workload, port: server.port), cpu: c.loadCPU)
            .run(against: server)
        let report = outcome.report
        let window = Double(report.windowNs) / 1e9
        let serverSeconds = EchoBenchmark.seconds(outcome.serverCPU.total)
        var other = 0.0
        if let busy = outcome.machineBusy, window > 0 {
            other = max(0, (EchoBenchmark.seconds(busy) - serverSeconds - report.cpuSeconds) / window)
        }
        // wrk does not report its own CPU: its load share is unknown there,
        // and the guard then counts it as other load.
        let measurement = EchoRun(
            server: target.name, isPeer: target.isPeer, connections: workload.connections, size: workload.file.size,
            depth: 1, run: run, seconds: window, requests: Int(report.requests), latency: report.latency,
            serverCPUSeconds: serverSeconds, loadCPUSeconds: report.cpuSeconds,
            serverPeakRSSKiB: outcome.memory.peakResidentKiB, serverPSSKiB: outcome.memory.proportionalKiB,
            errors: Int(report.corrupted + report.failed), unserved: Int(report.unserved),
            otherLoadCPUs: other, disturbed: c.wrkScript == nil && other > c.disturbedAbove)
        return HTTPRun(workload: workload, measurement: measurement, bodyBytes: Int(report.bodyBytes ?? 0))
    }
}

/// The Lua script that makes wrk print what the load generator prints:
/// `window start` as its threads are set up, `window end` and one JSON
/// line of the same fields when done (latency in wrk's µs made ns; errors
/// of reading, writing, status and timeouts as failed; connect errors as
/// unserved; no CPU of its own; body_bytes is wrk's count, headers
/// included).
public enum HTTPWrk {
    public static let script = """
        -- Made by sockworks bench http --load wrk.
        function setup(thread)
          io.write("window start\\n")
          io.flush()
        end

        function done(summary, latency, requests)
          io.write("window end\\n")
          local e = summary.errors
          local function ns(us) return string.format("%d", math.floor(us * 1000)) end
          io.write('{"requests":' .. summary.requests .. ',"window_ns":' .. ns(summary.duration)
            .. ',"p50_ns":' .. ns(latency:percentile(50)) .. ',"p90_ns":' .. ns(latency:percentile(90))
            .. ',"p99_ns":' .. ns(latency:percentile(99)) .. ',"max_ns":' .. ns(latency.max)
            .. ',"corrupted":0,"failed":' .. (e.read + e.write + e.status + e.timeout)
            .. ',"unserved":' .. e.connect .. ',"cpu_user_ns":0,"cpu_system_ns":0,"body_bytes":'
            .. summary.bytes .. '}\\n')
          io.flush()
        end

        """
}
