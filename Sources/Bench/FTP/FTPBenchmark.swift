import Glibc
import SocketCore

/// FTP transfers over loopback from vsftpd: a file of `mebibytes` MiB
/// downloaded and uploaded by each client in turn, `rounds` times, in the
/// same run; the medians of throughput and of the client's CPU time per
/// byte, and vsftpd's CPU time for the same transfers. The ratios to the
/// reference client are the medians of each round's ratio: a round's two
/// transfers run back to back, so they share the machine's weather.
public struct FTPBenchmark: Sendable {
    public struct Configuration: Sendable {
        public var mebibytes = 1024
        public var rounds = 3
        public var vsftpd = "/usr/sbin/vsftpd"
        public var clients: [FTPBenchClient] = []
        /// Where the run's folder is made (the files are as large as the transfers).
        public var scratch = "/tmp"
        /// The CPUs vsftpd and the clients are pinned to (taskset), nil for
        /// none: apart, neither takes the other's core, and the scheduler
        /// cannot move them between rounds.
        public var serverCPU: Int?
        public var clientCPU: Int?
        public init() {}
    }

    public enum Direction: String, Sendable, CaseIterable {
        case download, upload
    }

    /// One client's transfers in one direction: the medians over the rounds.
    public struct Measurement: Sendable {
        public let client: String
        public let direction: Direction
        public let bytes: Int
        public let seconds: Double
        public let cpuSeconds: Double
        public let serverCPUSeconds: Double
        /// Against the reference client: the median over the rounds of the
        /// round's throughput ratio and CPU-per-byte ratio (nil for the
        /// reference itself).
        public var speedRatio: Double?
        public var cpuRatio: Double?
        public var megabytesPerSecond: Double { Double(bytes) / seconds / 1e6 }
        /// Client CPU time per MiB moved, in microseconds.
        public var cpuMicrosecondsPerMebibyte: Double { cpuSeconds * 1e6 / (Double(bytes) / Double(1 << 20)) }
        public var serverCPUMicrosecondsPerMebibyte: Double {
            serverCPUSeconds * 1e6 / (Double(bytes) / Double(1 << 20))
        }
    }

    private let configuration: Configuration
    public init(_ configuration: Configuration) { self.configuration = configuration }

    public func run(progress: @Sendable (String) -> Void) async throws -> FTPResults {
        guard access(configuration.vsftpd, X_OK) == 0 else {
            throw BenchError("\(configuration.vsftpd) is not installed (tools/install-deps)")
        }
        guard geteuid() == 0 else { throw BenchError("vsftpd's anonymous sessions chroot: run as root") }
        let folder = try FTPBenchFolder(in: configuration.scratch, mebibytes: configuration.mebibytes)
        defer { folder.remove() }
        progress("a \(configuration.mebibytes) MiB file in \(folder.path)")
        try folder.writeSource()
        let port = try HTTPPeer.unusedPort()
        let low = UInt16.random(in: 20000...60000)
        let server = VsftpdConfiguration(
            port: port, root: folder.root, emptyFolder: folder.empty, passivePorts: low...(low + 99),
            logFile: folder.path + "/vsftpd.log")
        try BenchPaths.write(server.text, to: folder.path + "/vsftpd.conf")
        // withServer looks its program up in PATH: env(1) runs vsftpd's
        // path under the same PID.
        let target = EchoTarget(
            name: "vsftpd", isPeer: true, command: ["env", configuration.vsftpd, folder.path + "/vsftpd.conf"],
            port: port)
        let configuration = configuration
        let samples = try await withServer(target, cpu: configuration.serverCPU) { running in
            try await Self.rounds(configuration, folder: folder, server: running, progress: progress)
        }
        let bytes = configuration.mebibytes << 20
        var measurements: [Measurement] = []
        for client in configuration.clients {
            for direction in Direction.allCases {
                let runs = samples.filter { $0.client == client.name && $0.direction == direction }
                var measurement = Measurement(
                    client: client.name, direction: direction, bytes: bytes,
                    seconds: median(runs.map(\.run.wallSeconds)), cpuSeconds: median(runs.map(\.run.cpuSeconds)),
                    serverCPUSeconds: median(runs.map(\.serverCPUSeconds)))
                if client.name != FTPResults.reference {
                    let pairs = runs.compactMap { run in
                        samples.first {
                            $0.client == FTPResults.reference && $0.direction == direction && $0.round == run.round
                        }.map { (ours: run.run, reference: $0.run) }
                    }
                    measurement.speedRatio = median(pairs.map { $0.reference.wallSeconds / $0.ours.wallSeconds })
                    measurement.cpuRatio = median(pairs.map { $0.ours.cpuSeconds / $0.reference.cpuSeconds })
                }
                measurements.append(measurement)
            }
        }
        return FTPResults(
            measurements: measurements, mebibytes: configuration.mebibytes, rounds: configuration.rounds)
    }

    struct Sample: Sendable {
        let round: Int
        let client: String
        let direction: Direction
        let run: FTPTransferRun
        let serverCPUSeconds: Double
    }

    /// Each round runs every client, each downloading then uploading; the
    /// order of the clients turns every round so none always goes first.
    private static func rounds(
        _ configuration: Configuration, folder: FTPBenchFolder, server: RunningServer,
        progress: @Sendable (String) -> Void
    ) async throws -> [Sample] {
        var samples: [Sample] = []
        let bytes = Int64(configuration.mebibytes) << 20
        for round in 0..<configuration.rounds {
            let count = configuration.clients.count
            let order = (0..<count).map { configuration.clients[($0 + round) % count] }
            for client in order {
                let local = folder.path + "/downloaded"
                let pin = configuration.clientCPU.map { ["/usr/bin/taskset", "-c", "\($0)"] } ?? []
                let download = try await transfer(
                    pin + client.download(server.port, FTPBenchFolder.sourceName, local), server: server)
                try folder.requireSize(local, bytes)
                unlink(local)
                let remote = "pub/uploaded"
                let upload = try await transfer(
                    pin + client.upload(server.port, folder.source, remote), server: server)
                try folder.requireSize(folder.root + "/" + remote, bytes)
                unlink(folder.root + "/" + remote)
                progress(
                    "round \(round + 1)/\(configuration.rounds), \(client.name): "
                        + "down \(fixed(Double(bytes) / download.run.wallSeconds / 1e6, 0)) MB/s, "
                        + "up \(fixed(Double(bytes) / upload.run.wallSeconds / 1e6, 0)) MB/s")
                samples.append(
                    Sample(
                        round: round, client: client.name, direction: .download, run: download.run,
                        serverCPUSeconds: download.server))
                samples.append(
                    Sample(
                        round: round, client: client.name, direction: .upload, run: upload.run,
                        serverCPUSeconds: upload.server))
            }
        }
        return samples
    }

    /// One client run, and the CPU time vsftpd's session processes spent
    /// meanwhile (`SessionCPUSampler`).
    private static func transfer(_ command: [String], server: RunningServer) async throws
        -> (run: FTPTransferRun, server: Double)
    {
        let sampler = SessionCPUSampler(listener: server.pid)
        let sampling = Task { await sampler.run() }
        let run: FTPTransferRun
        do {
            run = try await FTPTransferRun.measure(command)
        } catch {
            sampling.cancel()
            throw error
        }
        // The session ends just after the client's QUIT.
        for _ in 0..<100 where server.tree.processes().count > 1 {
            try await Task.sleep(for: .milliseconds(5))
        }
        sampling.cancel()
        await sampling.value
        return (run, sampler.totalSeconds)
    }
}

/// The run's folder: vsftpd's root with the file to download and the
/// folder uploads go to, and the empty folder vsftpd wants.
struct FTPBenchFolder: Sendable {
    static let sourceName = "file"
    let path: String
    let mebibytes: Int
    var root: String { path + "/root" }
    var empty: String { path + "/empty" }
    var source: String { root + "/" + Self.sourceName }

    init(in parent: String, mebibytes: Int) throws {
        path = parent + "/sockworks-bench-ftp-\(getpid())"
        self.mebibytes = mebibytes
        for folder in [path, root, empty, root + "/pub"] { try BenchPaths.makeFolder(folder) }
        chmod(root, 0o555)
        chmod(empty, 0o555)
        chmod(root + "/pub", 0o777)
    }

    /// The file to download (and upload): a random mebibyte over and over.
    func writeSource() throws {
        var generator = SystemRandomNumberGenerator()
        let block = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        do throws(SystemError) {
            let descriptor = try SystemCall.value("open", source) {
                open(source, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            }
            defer { try? SystemCall.close(descriptor) }
            for _ in 0..<mebibytes {
                var offset = 0
                while offset < block.count {
                    offset += try SystemCall.value("write", source) {
                        block.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                    }
                }
            }
        } catch {
            throw BenchError("cannot write the file to transfer: \(error)")
        }
    }

    func requireSize(_ file: String, _ bytes: Int64) throws {
        var info = stat()
        guard stat(file, &info) == 0 else { throw BenchError("\(file): not there after the transfer") }
        guard Int64(info.st_size) == bytes else {
            throw BenchError("\(file): \(info.st_size) bytes after the transfer, not \(bytes)")
        }
    }

    func remove() {
        for file in [source, root + "/pub/uploaded", path + "/downloaded", path + "/vsftpd.conf", path + "/vsftpd.log"]
        {
            unlink(file)
        }
        for folder in [root + "/pub", root, empty, path] { rmdir(folder) }
    }
}
