import TestSupport
import XCTest

/// A running `sockworks serve ...` with `--metrics 127.0.0.1:0`: the
/// server's address from its first line, and the endpoint's from its second
/// (`metrics on ADDRESS`).
struct MetricsServer: Sendable {
    let process: LiveProcess
    let address: String
    let metricsAddress: String

    var port: UInt16 { Self.port(of: address) }
    var metricsPort: UInt16 { Self.port(of: metricsAddress) }
    var metricsURL: String { "http://\(metricsAddress)/metrics" }

    private static func port(of address: String) -> UInt16 {
        address.lastIndex(of: ":").flatMap { UInt16(address[address.index(after: $0)...]) } ?? 0
    }
}

/// Starts `sockworks serve ARGUMENTS --metrics 127.0.0.1:0`, waits for its
/// two lines, runs `body`, and returns how the server ended (one left
/// running is killed, and `leftRunning` says so).
func withMetricsServer<Result: Sendable>(
    _ arguments: [String], _ body: (MetricsServer) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome) {
    try await withProgram(sockworksExecutable(), ["serve"] + arguments + ["--metrics", "127.0.0.1:0"]) {
        process in
        var lines: [String] = []
        let arrived = try await waitUntil(timeout: .seconds(10), pollingEvery: .milliseconds(5)) {
            let (bytes, ended) = process.output.snapshot
            lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            return lines.count >= 2 || ended
        }
        guard arrived, lines.count >= 2, lines[0].hasPrefix("listening on "), lines[1].hasPrefix("metrics on ")
        else { throw TestFailure("not 'listening on' then 'metrics on': \(lines)") }
        return try await body(
            MetricsServer(
                process: process, address: String(lines[0].dropFirst("listening on ".count)),
                metricsAddress: String(lines[1].dropFirst("metrics on ".count))))
    }
}

/// SIGTERM by PID, then waits; fails when the server is still running after 5 s.
func assertStops(_ server: MetricsServer, file: StaticString = #filePath, line: UInt = #line) async throws {
    XCTAssertTrue(server.process.isRunning, "the server died before it was stopped", file: file, line: line)
    let stopped = try await server.process.stop(.terminate)
    XCTAssertTrue(stopped, "the server did not exit within 5 s of SIGTERM", file: file, line: line)
}
