import Glibc
import Servers
import TestSupport

/// A running `sockworks serve http`.
struct WebServer: Sendable {
    let model: ServerModel
    let process: LiveProcess
    let port: UInt16
    var pid: pid_t { process.pid }
}

/// The models `serve http` runs on: all but epoll-c (echo in C).
let webModels = ServerModel.allCases.filter { $0 != .epollC }

/// Starts `sockworks serve http --root ROOT --model M` with `extra`
/// arguments, runs `body`, and returns how the server ended. A server left
/// running is killed by PID, and every descendant seen (workers, children)
/// with it.
func withWebServer<Result: Sendable>(
    _ model: ServerModel, root: String, _ extra: [String] = [], descriptorLimit: Int? = nil,
    environment: [String: String] = [:], _ body: (WebServer) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome) {
    let launcher = descriptorLimit.map { ["/usr/bin/prlimit", "--nofile=\($0):\($0)", "--"] } ?? []
    let arguments = ["serve", "http", "--root", root] + model.serverArguments(extra)
    return try await withProgram(sockworksExecutable(), arguments, launcher: launcher, environment: environment) {
        process in
        // Generous: the suites start a server per model and case at once,
        // and under AddressSanitizer a start on a loaded machine is slow.
        let line = try await process.firstLine(timeout: .seconds(60))
        let prefix = "listening on "
        guard let line, line.hasPrefix(prefix), let colon = line.lastIndex(of: ":"),
            let port = UInt16(line[line.index(after: colon)...])
        else {
            throw EchoServerError.badFirstLine(line, stderr: "")
        }
        let server = WebServer(model: model, process: process, port: port)
        let processes = ServerProcesses(root: process.pid)
        var seen: [ProcessIdentity] = []
        defer {
            if process.isRunning {
                seen += processes.descendants()
                try? process.signal(.kill)
            }
            for child in seen where child.exists { kill(child.pid, SIGKILL) }
        }
        let value = try await body(server)
        seen += processes.descendants()
        // SIGTERM: the outcome then says whether the server stopped cleanly.
        _ = try await process.stop(timeout: .seconds(20))
        return value
    }
}
