import Glibc
import Servers
import Synchronization
import TestSupport

/// A running `sockworks serve echo --model M` in a conformance scenario.
struct ModelServer: Sendable {
    let model: ServerModel
    let echo: EchoServer
    let port: UInt16
    fileprivate let tracker: DescendantTracker

    var pid: pid_t { echo.process.pid }
    var isRunning: Bool { echo.process.isRunning }
    var processes: ServerProcesses { ServerProcesses(root: pid) }

    /// The server's descendants now. Every one seen is remembered, so that
    /// the teardown can kill those a failed scenario left behind.
    func descendants() -> [ProcessIdentity] {
        let found = processes.descendants()
        tracker.record(found)
        return found
    }
}

/// Starts the echo server of `model` (with `extra` arguments; under
/// `prlimit --nofile=N:N` when `descriptorLimit` is given), runs `body`, and
/// returns how the server ended. Whatever `body` does, nothing outlives the
/// call: a server still running afterwards is killed by PID, and so is every
/// descendant of it ever seen (workers, per-connection children) that still
/// exists.
func withModelServer<Result: Sendable>(
    _ model: ServerModel, _ extra: [String] = [], descriptorLimit: Int? = nil,
    _ body: (ModelServer) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome) {
    let launcher = descriptorLimit.map { ["/usr/bin/prlimit", "--nofile=\($0):\($0)", "--"] } ?? []
    if !launcher.isEmpty { try PeerTool.require("/usr/bin/prlimit") }
    return try await withEchoServer(model.serverArguments(extra), launcher: launcher) { echo in
        guard let port = echo.port else { throw EchoServerError.badFirstLine(echo.address, stderr: "") }
        let server = ModelServer(model: model, echo: echo, port: port, tracker: DescendantTracker())
        defer {
            if server.isRunning {
                _ = server.descendants()
                try? echo.process.signal(.kill)
            }
            server.tracker.killSurvivors()
        }
        return try await body(server)
    }
}

/// The descendants of a server seen so far.
private final class DescendantTracker: Sendable {
    private let seen = Mutex(Set<ProcessIdentity>())

    func record(_ processes: [ProcessIdentity]) { seen.withLock { $0.formUnion(processes) } }

    /// SIGKILL, by PID, to each one seen that still exists.
    func killSurvivors() {
        for process in seen.withLock({ $0 }) where process.exists { kill(process.pid, SIGKILL) }
    }
}
