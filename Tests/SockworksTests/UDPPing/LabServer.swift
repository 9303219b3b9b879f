import Glibc
import TestSupport

/// Starts `sockworks serve SUBCOMMAND ARGUMENTS` (a lab server: udpping,
/// heartbeat), waits for `listening on ADDRESS`, and runs `body` with the
/// port; the server is stopped with SIGTERM afterwards (killed if it
/// lingers), and the outcome says how it ended.
func withLabServer<Result: Sendable>(
    _ subcommand: String, _ arguments: [String], launcher: [String] = [],
    _ body: (LiveProcess, UInt16) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome) {
    try await withProgram(sockworksExecutable(), ["serve", subcommand] + arguments, launcher: launcher) { process in
        let line = try await process.firstLine(timeout: .seconds(30))
        guard let line, line.hasPrefix("listening on "), let colon = line.lastIndex(of: ":"),
            let port = UInt16(line[line.index(after: colon)...])
        else { throw EchoServerError.badFirstLine(line, stderr: "") }
        let value = try await body(process, port)
        _ = try await process.stop(timeout: .seconds(10))
        return value
    }
}

/// A connected UDP socket on loopback for the tests' own clients.
final class UDPTestClient: @unchecked Sendable {
    let fd: Int32

    init(port: UInt16, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw TestSocketError("connect") }
    }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) } }
    func send(_ text: String) { send(Array(text.utf8)) }

    /// The next datagram within `milliseconds`, or nil.
    func receive(within milliseconds: Int32) -> [UInt8]? {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, milliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count >= 0 ? Array(buffer[..<count]) : nil
    }

    deinit { close(fd) }
}
