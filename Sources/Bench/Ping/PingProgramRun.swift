import Glibc
import SocketCore
import Subprocess

/// A ping program the benchmark runs: iputils `ping` or `icmpping`.
public struct PingProgram: Sendable, Equatable {
    public var name: String
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// One run of a ping program, as measured from outside it.
public struct PingProgramRun: Sendable, Equatable {
    /// From the summary it printed: `N packets transmitted, M received`.
    public var transmitted: Int
    public var received: Int
    /// Its own `time Nms`: first probe to last probe sent.
    public var reportedMilliseconds: Int
    /// From start to exit, as the benchmark saw it.
    public var wallSeconds: Double
    /// User + system time of the process (getrusage of the reaped child).
    public var cpuSeconds: Double

    /// Probes per second of the whole process, start-up included.
    public var probesPerSecond: Double { Double(transmitted) / wallSeconds }

    /// Runs `program` with `arguments`; fails when it exits with a status
    /// other than 0 or prints no iputils summary.
    public static func measure(_ program: PingProgram, _ arguments: [String]) async throws(BenchError) -> PingProgramRun
    {
        let before = childrenCPUSeconds()
        let start = MonotonicInstant.now
        let status: TerminationStatus
        let output: String
        let errorText: String
        do {
            let result = try await Subprocess.run(
                .path(.init(program.path)), arguments: .init(arguments),
                output: .string(limit: 1 << 20), error: .string(limit: 1 << 16))
            (status, output, errorText) = (
                result.terminationStatus, result.standardOutput,
                result.standardError
            )
        } catch {
            throw BenchError("cannot run \(program.path): \(error)")
        }
        let wall = MonotonicInstant.seconds(since: start)
        // The child has been reaped: its times are in RUSAGE_CHILDREN now.
        let cpu = childrenCPUSeconds() - before
        guard status == .exited(0), let summary = PingSummaryLine(output) else {
            let why = errorText.split(separator: "\n").last.map(String.init) ?? output
            throw BenchError("\(program.name) \(arguments.joined(separator: " ")): \(status): \(why)")
        }
        return PingProgramRun(
            transmitted: summary.transmitted, received: summary.received,
            reportedMilliseconds: summary.milliseconds, wallSeconds: wall, cpuSeconds: cpu)
    }

    private static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// `20000 packets transmitted, 20000 received, 0% packet loss, time 231ms`,
/// the line both programs print.
struct PingSummaryLine: Equatable {
    var transmitted: Int
    var received: Int
    var milliseconds: Int

    init(transmitted: Int, received: Int, milliseconds: Int) {
        self.transmitted = transmitted
        self.received = received
        self.milliseconds = milliseconds
    }

    init?(_ output: String) {
        guard let line = output.split(separator: "\n").first(where: { $0.contains(" packets transmitted, ") })
        else { return nil }
        let fields = line.split(separator: ",").map { $0.split(separator: " ") }
        guard let transmitted = fields.first?.first.flatMap({ Int($0) }),
            fields.count >= 2, let received = fields[1].first.flatMap({ Int($0) }),
            let time = fields.last, time.count == 2, time[0] == "time", time[1].hasSuffix("ms"),
            let milliseconds = Int(time[1].dropLast(2))
        else { return nil }
        self.transmitted = transmitted
        self.received = received
        self.milliseconds = milliseconds
    }
}
