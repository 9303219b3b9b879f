import CSystemShims
import SocketCore
import Synchronization

/// The datagram suite: the plain and the batched echo server (`serve echo
/// --udp`, with and without `--batch`), each pinned to the server CPU, under
/// the datagram load generator on the other CPU at 1 and 64 datagrams in
/// flight, first with a load generator that makes a call per datagram, then
/// with one that batches as a QUIC client does (UDP_GRO and UDP_SEGMENT). The
/// server's CPU is read from /proc at the edges of the load generator's
/// measured window.
///
/// Both clients are measured because each changes what the server is
/// charged for. On loopback the sender's call delivers to the receiving
/// socket, so a run of replies sent as one segmented message is cut into
/// datagrams on the server's CPU unless the client takes it whole; and a
/// client slower than the server hands it its datagrams a few at a time.
public struct UDPBenchmark: Sendable {
    public struct Configuration: Sendable {
        /// The `sockworks` executable whose `serve echo` is measured.
        public var executable: String
        public var serverCPU: Int?
        public var loadCPU: Int?
        public var depths = [1, 64]
        /// The load generator's ways: a call per datagram, then batched
        /// (`UDPLoadGenerator.batched`).
        public var clientModes = [false, true]
        public var size = 64
        public var warmup: Duration = .seconds(1)
        public var duration: Duration = .seconds(5)

        public init(executable: String) { self.executable = executable }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// The servers in the order they are measured.
    public static let servers = ["plain", "batched"]

    public func run(progress: (String) -> Void) async throws -> [UDPRun] {
        var runs: [UDPRun] = []
        for server in Self.servers {
            let target = EchoTarget(
                name: server, isPeer: false,
                command: [configuration.executable, "serve", "echo", "--udp", "--port", "0"]
                    + (server == "batched" ? ["--batch"] : []))
            for batched in configuration.clientModes {
                for depth in configuration.depths {
                    progress("\(server) server, \(depth) in flight, client \(UDPRun.clientName(batched))")
                    let generator = UDPLoadGenerator(
                        address: .loopbackIPv4(port: 0), size: configuration.size, depth: depth,
                        warmup: configuration.warmup, duration: configuration.duration, batched: batched)
                    let loadCPU = configuration.loadCPU
                    let run = try await withServer(target, cpu: configuration.serverCPU) { running in
                        var pointed = generator
                        pointed.address = .loopbackIPv4(port: running.port)
                        let (report, serverCPU) = try Self.measure(pointed, server: running, cpu: loadCPU)
                        return UDPRun(
                            server: server, depth: depth, batchedClient: batched, load: report,
                            serverCPUNs: serverCPU)
                    }
                    progress("  " + run.summaryLine)
                    runs.append(run)
                }
            }
        }
        return runs
    }

    /// Runs `generator` on a thread of its own (pinned to `cpu`), and the
    /// server's CPU time over its measured window.
    static func measure(_ generator: UDPLoadGenerator, server: RunningServer, cpu: Int?) throws -> (
        UDPLoadReport, UInt64
    ) {
        let outcome = Mutex<Result<(UDPLoadReport, UInt64), BenchError>?>(nil)
        let thread = try PosixThread.start {
            if let cpu { _ = shim_pin_thread_to_cpu(Int32(cpu)) }
            let edges = Mutex<[CPUTime]>([])
            let result = Result { () throws(BenchError) in
                try generator.run { _ in
                    let now = server.tree.cpuTime()
                    edges.withLock { $0.append(now) }
                }
            }
            let spent = edges.withLock { edges in
                edges.count == 2 ? UInt64((edges[1] - edges[0]).total.nanoseconds) : 0
            }
            outcome.withLock { $0 = result.map { ($0, spent) } }
        }
        thread.join()
        guard let result = outcome.withLock({ $0 }) else { throw BenchError("the datagram load gave no result") }
        return try result.get()
    }
}

/// One server at one depth.
public struct UDPRun: Sendable, Codable, Equatable {
    public var server: String
    public var depth: Int
    /// Whether the load generator batched (`UDPLoadGenerator.batched`).
    public var batchedClient: Bool
    public var load: UDPLoadReport
    /// The server's CPU time (user and system) over the measured window.
    public var serverCPUNs: UInt64

    /// Server CPU nanoseconds per datagram answered.
    public var serverCPUPerDatagramNs: Double {
        load.answered == 0 ? 0 : Double(serverCPUNs) / Double(load.answered)
    }

    /// The load generator's way, as the table names it.
    public static func clientName(_ batched: Bool) -> String { batched ? "batched" : "single" }

    public var summaryLine: String {
        "\(server) at \(depth) in flight, client \(Self.clientName(batchedClient)): \(Int(load.datagramsPerSecond.rounded())) datagrams/s, server CPU "
            + "\(fixed(serverCPUPerDatagramNs / 1000, 2)) µs/datagram, lost \(load.lost), "
            + "stray \(load.stray), corrupted \(load.corrupted)"
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
