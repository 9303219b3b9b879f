import TestSupport

/// A running `sockworks serve echo` and the address it printed.
struct EchoServer: Sendable {
    let process: LiveProcess
    /// What followed `listening on ` on its first line.
    let address: String

    /// The port of an IP server (`127.0.0.1:40123`, `[::1]:40123`).
    var port: UInt16? {
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return UInt16(address[address.index(after: colon)...])
    }
    var portArgument: String { port.map(String.init) ?? "?" }
}

enum EchoServerError: Error, CustomStringConvertible {
    case badFirstLine(String?, stderr: String)
    var description: String {
        switch self {
        case .badFirstLine(let line, _): "first line is not 'listening on ADDRESS': \(line.debugDescription)"
        }
    }
}

/// Starts `sockworks serve echo ARGUMENTS`, waits for `listening on ADDRESS`,
/// runs `body`, and returns how the server ended. `body` should stop the
/// server itself (`server.process.stop()`) so it can check the exit; one left
/// running is killed and `leftRunning` says so.
///
/// `launcher` is a command that execs the server in its own process (such as
/// `prlimit --nofile=64:64 --`), so the PID is still the server's.
func withEchoServer<Result: Sendable>(
    _ arguments: [String],
    launcher: [String] = [],
    _ body: (EchoServer) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome) {
    try await withProgram(sockworksExecutable(), ["serve", "echo"] + arguments, launcher: launcher) { process in
        let line = try await process.firstLine()
        let prefix = "listening on "
        guard let line, line.hasPrefix(prefix), line.count > prefix.count else {
            throw EchoServerError.badFirstLine(line, stderr: "")
        }
        return try await body(EchoServer(process: process, address: String(line.dropFirst(prefix.count))))
    }
}
