import Glibc
import SocketCore

/// The server-model benchmark: the echo workload against every target at
/// every connection count, each run measured over the load generator's
/// window, with a guard against other load on the machine.
public struct EchoBenchmark: Sendable {
    public struct Configuration: Sendable {
        public var targets: [EchoTarget] = []
        public var connections: [Int] = [1, 16, 128, 1000]
        public var size = 64
        public var depth = 1
        public var warmup: Duration = .seconds(1)
        public var duration: Duration = .seconds(5)
        public var runs = 3
        /// CPUs for the server and the load generator; nil: unpinned.
        public var serverCPU: Int?
        public var loadCPU: Int?
        /// How to start the load generator, before its per-run arguments.
        public var loadCommand: [String] = []
        /// Idle connections for the memory measurement; 0 skips it.
        public var idleConnections = 1000
        /// Other load, in CPUs averaged over a window, above which a run is
        /// marked disturbed (and repeated once).
        public var disturbedAbove = 0.15

        public init() {}
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Runs everything; `progress` gets a status line before each run,
    /// `finished` each run as it completes. A target that fails to start is
    /// reported through `skipped` and the rest go on.
    public func run(
        progress: @Sendable (String) -> Void,
        finished: @Sendable (EchoRun) -> Void,
        skipped: @Sendable (String, String) -> Void
    ) async throws -> (runs: [EchoRun], idle: [IdleMemory]) {
        let c = configuration
        let total = c.targets.count * c.connections.count * c.runs
        let perRun = c.warmup + c.duration + .milliseconds(300)
        var done = 0
        var runs: [EchoRun] = []
        var idle: [IdleMemory] = []
        for group in Self.groups(c.targets) {
            var sessions: [(target: EchoTarget, server: ServerSession, scraper: ControlScraper?)] = []
            for target in group {
                do {
                    let server = try await ServerSession.start(target, cpu: c.serverCPU)
                    let scraper = target.endpoints.map(ControlScraper.init)
                    scraper?.start()
                    sessions.append((target, server, scraper))
                } catch {
                    done += c.connections.count * c.runs
                    skipped(target.name, "\(error)")
                }
            }
            func stopAll() async {
                for session in sessions {
                    if let (answers, failures) = session.scraper?.stop() {
                        progress(
                            "\(session.target.name): \(answers) answers from the control port and /metrics, \(failures) failed"
                        )
                    }
                    await session.server.stop()
                }
            }
            let doneBefore = done
            do {
                for connections in c.connections {
                    for run in 1...c.runs {
                        // A group's servers take turns run by run, so that a
                        // change in the machine's speed falls on each alike.
                        for session in sessions {
                            let target = session.target
                            done += 1
                            let left = perRun * (total - done + 1)
                            progress(
                                "[\(done)/\(total)] \(target.name), \(connections) connections, run \(run) of \(c.runs); about \(Self.format(left)) left"
                            )
                            var measured = try await measure(
                                target, server: session.server.running, connections: connections, run: run)
                            if measured.disturbed {
                                progress(
                                    "[\(done)/\(total)] \(target.name): other load during the run (\(fixed(measured.otherLoadCPUs, 2)) CPU), repeating it"
                                )
                                measured = try await measure(
                                    target, server: session.server.running, connections: connections, run: run)
                            }
                            finished(measured)
                            runs.append(measured)
                        }
                    }
                }
                await stopAll()
            } catch {
                await stopAll()
                done = doneBefore + sessions.count * c.connections.count * c.runs
                for session in sessions { skipped(session.target.name, "\(error)") }
                continue
            }
            if c.idleConnections > 0 {
                for session in sessions {
                    let target = session.target
                    progress("\(target.name): memory with \(c.idleConnections) idle connections")
                    do {
                        idle.append(
                            try await IdleMemoryProbe(connections: c.idleConnections, cpu: c.serverCPU).measure(target)
                        )
                    } catch {
                        skipped(target.name, "idle memory: \(error)")
                    }
                }
            }
        }
        return (runs, idle)
    }

    /// The targets in the groups they are measured in: alone, or a model
    /// with the same model counted beside it (`MODEL+control` right after
    /// `MODEL`), whose ratio is a goal and so is measured run for run.
    static func groups(_ targets: [EchoTarget]) -> [[EchoTarget]] {
        var groups: [[EchoTarget]] = []
        for target in targets {
            if target.endpoints != nil, let last = groups.last, last.count == 1,
                last[0].name + EchoGoal.controlSuffix == target.name
            {
                groups[groups.count - 1].append(target)
            } else {
                groups.append([target])
            }
        }
        return groups
    }

    private func measure(_ target: EchoTarget, server: RunningServer, connections: Int, run: Int) async throws
        -> EchoRun
    {
        let c = configuration
        let arguments = [
            "--port", "\(server.port)", "--connections", "\(connections)", "--size", "\(c.size)",
            "--depth", "\(c.depth)", "--warmup", Self.argument(c.warmup), "--duration", Self.argument(c.duration),
        ]
        let outcome = try await LoadRun(command: c.loadCommand + arguments, cpu: c.loadCPU).run(against: server)
        let report = outcome.report
        let window = Double(report.windowNs) / 1e9
        let serverSeconds = Self.seconds(outcome.serverCPU.total)
        var other = 0.0
        if let busy = outcome.machineBusy, window > 0 {
            other = max(0, (Self.seconds(busy) - serverSeconds - report.cpuSeconds) / window)
        }
        return EchoRun(
            server: target.name, isPeer: target.isPeer, connections: connections, size: c.size, depth: c.depth,
            run: run, seconds: window, requests: Int(report.requests), latency: report.latency,
            serverCPUSeconds: serverSeconds, loadCPUSeconds: report.cpuSeconds,
            serverPeakRSSKiB: outcome.memory.peakResidentKiB, serverPSSKiB: outcome.memory.proportionalKiB,
            errors: Int(report.corrupted + report.failed), unserved: Int(report.unserved),
            otherLoadCPUs: other, disturbed: other > c.disturbedAbove)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func argument(_ duration: Duration) -> String { fixed(seconds(duration), 3) }

    static func format(_ duration: Duration) -> String {
        let total = Int(seconds(duration).rounded())
        return total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
    }
}
