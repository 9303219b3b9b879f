import FoundationEssentials
import Glibc
import Subprocess
import SystemPackage

/// What the runner samples at the edges of the load generator's measured
/// window: the server's CPU and memory, and the machine's busy time.
struct WindowSample {
    var server: CPUTime
    var machine: MachineCPU?
}

/// One run of the load generator against a running server, with the
/// server's usage sampled over exactly the window the load generator
/// measures: it prints `window start` and `window end` as the window opens
/// and closes, then its JSON report.
struct LoadRun {
    var command: [String]
    var cpu: Int?

    struct Outcome {
        var report: LoadReport
        var serverCPU: CPUTime
        var machineBusy: Duration?
        var memory: MemoryUse
    }

    enum Failure: Error, CustomStringConvertible {
        case noReport(String)
        var description: String {
            switch self {
            case .noReport(let why): "the load generator gave no report: \(why)"
            }
        }
    }

    func run(against server: RunningServer) async throws -> Outcome {
        var command = command
        if let cpu { command = ["taskset", "-c", "\(cpu)"] + command }
        let result = try await Subprocess.run(
            .name(command[0]), arguments: Arguments(Array(command.dropFirst())),
            input: .none, output: .sequence, error: .string(limit: 1 << 16)
        ) { execution in
            var start: WindowSample?
            var end: WindowSample?
            var memory = MemoryUse()
            var lastLine = ""
            var pending: [UInt8] = []
            for try await chunk in execution.standardOutput {
                chunk.withUnsafeBytes { pending.append(contentsOf: $0) }
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    switch line {
                    case "window start":
                        start = WindowSample(server: server.tree.cpuTime(), machine: .now())
                    case "window end":
                        end = WindowSample(server: server.tree.cpuTime(), machine: .now())
                        memory = server.tree.memory()
                    default:
                        lastLine = line
                    }
                }
            }
            return (start, end, memory, lastLine)
        }
        let (start, end, memory, lastLine) = result.closureResult
        guard result.terminationStatus == .exited(0) else {
            throw Failure.noReport("\(result.terminationStatus): \(result.standardError)")
        }
        guard let start, let end,
            let report = try? JSONDecoder().decode(LoadReport.self, from: Data(lastLine.utf8))
        else {
            throw Failure.noReport("unexpected output \(lastLine.debugDescription)")
        }
        var busy: Duration?
        if let before = start.machine, let after = end.machine { busy = (after - before).busy }
        return Outcome(report: report, serverCPU: end.server - start.server, machineBusy: busy, memory: memory)
    }
}
