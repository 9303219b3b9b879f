import Glibc
import SocketCore
import Subprocess

/// One FTP client the benchmark runs, and how to make it download and upload.
public struct FTPBenchClient: Sendable, Equatable {
    public var name: String
    /// The arguments (program first) that fetch `remote` into `local`.
    public var download: @Sendable (_ port: UInt16, _ remote: String, _ local: String) -> [String]
    /// The arguments (program first) that store `local` as `remote`.
    public var upload: @Sendable (_ port: UInt16, _ local: String, _ remote: String) -> [String]

    public static func == (left: FTPBenchClient, right: FTPBenchClient) -> Bool { left.name == right.name }

    /// `sockworks ftp`: passive, binary, anonymous, as a user runs it.
    public static func sockworks(_ executable: String) -> FTPBenchClient {
        FTPBenchClient(
            name: "sockworks ftp",
            download: { [executable, "ftp", "--port", "\($0)", "127.0.0.1", "get", $1, $2] },
            upload: { [executable, "ftp", "--port", "\($0)", "127.0.0.1", "put", $1, $2] })
    }

    /// curl, passive (EPSV) and binary by default, anonymous.
    public static func curl(_ executable: String) -> FTPBenchClient {
        FTPBenchClient(
            name: "curl",
            download: { [executable, "-s", "-S", "-o", $2, "ftp://127.0.0.1:\($0)/\($1)"] },
            upload: { [executable, "-s", "-S", "-T", $1, "ftp://127.0.0.1:\($0)/\($2)"] })
    }
}

/// One transfer by one client, measured from outside it.
struct FTPTransferRun: Sendable {
    /// From start to exit: the connection, the login and the transfer.
    var wallSeconds: Double
    /// User + system time of the client (getrusage of the reaped child).
    var cpuSeconds: Double

    /// Runs `command` to its end; fails unless it exits 0.
    static func measure(_ command: [String]) async throws(BenchError) -> FTPTransferRun {
        let before = childrenCPUSeconds()
        let start = MonotonicInstant.now
        let status: TerminationStatus
        let errorText: String
        do {
            let result = try await Subprocess.run(
                .path(.init(command[0])), arguments: .init(Array(command.dropFirst())), input: .none,
                output: .discarded, error: .string(limit: 1 << 16))
            (status, errorText) = (result.terminationStatus, result.standardError)
        } catch {
            throw BenchError("cannot run \(command[0]): \(error)")
        }
        let wall = MonotonicInstant.seconds(since: start)
        // The child has been reaped: its times are in RUSAGE_CHILDREN now.
        let cpu = childrenCPUSeconds() - before
        guard status == .exited(0) else {
            let why = errorText.split(separator: "\n").last.map(String.init) ?? ""
            throw BenchError("\(command.joined(separator: " ")): \(status): \(why)")
        }
        return FTPTransferRun(wallSeconds: wall, cpuSeconds: cpu)
    }

    private static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
