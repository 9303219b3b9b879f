import Glibc
import Subprocess
import TestSupport
import XCTest

/// `sockworks serve echo` under abuse: reset peers, signals, and whatever is
/// already at its UNIX path.
final class EchoServerTests: XCTestCase {
    /// A client fills both directions' buffers (the server blocks writing the
    /// echo back to it), then resets the connection with SO_LINGER 0. The
    /// server's write fails with ECONNRESET or EPIPE; it must neither die of
    /// SIGPIPE nor stop serving.
    func testSurvivesAClientThatResetsMidWrite() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (clients, outcome) = try await withEchoServer(["--model", "iterative"]) { server in
            let port = try XCTUnwrap(server.port)
            for _ in 0..<2 {
                let stuck = try await fillUntilServerBlocks(port: port)
                XCTAssertGreaterThan(stuck, 0)
                try await Task.sleep(for: .milliseconds(100))
                XCTAssertTrue(server.process.isRunning, "the server died when its client reset mid-write")
            }
            var clients: [ProcessRun] = []
            for n in 1...2 {
                clients.append(
                    try await runSockworks(
                        ["echo", "127.0.0.1", server.portArgument],
                        input: Array("after the reset \(n)\n".utf8)))
            }
            try await assertStops(server)
            return clients
        }
        for (n, client) in zip(1..., clients) { assertEchoed(client, Array("after the reset \(n)\n".utf8)) }
        assertExitedZero(outcome)
    }

    /// The reset test proves something only if the server starts with the
    /// default SIGPIPE action, although the test process ignores SIGPIPE.
    func testChildrenStartWithTheDefaultSIGPIPEAction() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        ignoreSIGPIPEInTests()
        let child = try await runProgram("/bin/grep", ["^SigIgn:", "/proc/self/status"])
        let hex = String(child.standardOutput.dropFirst("SigIgn:".count).filter(\.isHexDigit))
        let mask = try XCTUnwrap(UInt64(hex, radix: 16), child.standardOutput)
        XCTAssertEqual(mask & (1 << (UInt64(SIGPIPE) - 1)), 0, "children inherit an ignored SIGPIPE")
    }

    func testSIGTERMOverTCPExitsZero() async throws {
        let (_, outcome) = try await withEchoServer([]) { server in
            try await assertStops(server, with: .terminate)
        }
        assertExitedZero(outcome)
    }

    func testSIGINTOverUDPExitsZero() async throws {
        let (_, outcome) = try await withEchoServer(["--udp"]) { server in
            try await assertStops(server, with: .interrupt)
        }
        assertExitedZero(outcome)
    }

    func testSIGTERMRemovesTheUnixSocketFile() async throws {
        try await assertSignalRemovesSocketFile(.terminate, datagram: false)
    }

    func testSIGINTRemovesTheUnixSocketFile() async throws {
        try await assertSignalRemovesSocketFile(.interrupt, datagram: false)
    }

    func testSIGTERMRemovesTheUnixDatagramSocketFile() async throws {
        try await assertSignalRemovesSocketFile(.terminate, datagram: true)
    }

    /// The listener is closed, not just abandoned: after the exit nothing
    /// accepts on the port any more.
    func testSIGTERMClosesTheListener() async throws {
        let (port, outcome) = try await withEchoServer([]) { server in
            let port = try XCTUnwrap(server.port)
            try await assertStops(server)
            return port
        }
        assertExitedZero(outcome)
        let probe = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        XCTAssertEqual(probe.connect(port: port), ECONNREFUSED)
    }

    /// A server killed with SIGKILL leaves its socket file behind; the next
    /// server on the same path replaces it and serves.
    func testStaleSocketFileIsReplaced() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("echo.sock")
        let (_, killed) = try await withEchoServer(["--unix", path]) { server in
            let killed = try await server.process.stop(.kill)
            XCTAssertTrue(killed)
        }
        XCTAssertEqual(killed.status, .signaled(SIGKILL))
        XCTAssertEqual(fileType(path), S_IFSOCK, "a killed server cannot remove its file: the test needs it stale")

        let (client, outcome) = try await withEchoServer(["--unix", path]) { server in
            XCTAssertEqual(server.address, path)
            let client = try await runSockworks(["echo", "--unix", path], input: Array("fresh\n".utf8))
            try await assertStops(server)
            return client
        }
        assertEchoed(client, Array("fresh\n".utf8))
        assertExitedZero(outcome)
        XCTAssertNil(fileType(path))
    }

    /// Only a socket file is ever unlinked: a regular file at the path is the
    /// user's, and the server refuses to start rather than delete it.
    func testRegularFileAtThePathIsNeverDeleted() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("notes.txt")
        let content = Array("not a socket\n".utf8)
        for extra in [[], ["--udp"]] {
            try writeFile(path, content)
            let server = try await runSockworks(
                ["serve", "echo", "--unix", path] + extra,
                timeout: .seconds(5))
            XCTAssertFalse(server.timedOut, "the server started on top of a regular file \(extra)")
            XCTAssertEqual(server.exitCode, 1, "\(server.status) \(extra)")
            XCTAssertEqual(server.standardOutput, "", "no 'listening on' line when it cannot listen")
            assertOneErrorLine(server.standardError)
            XCTAssertEqual(fileType(path), S_IFREG)
            XCTAssertEqual(try readFile(path), content, "the regular file was changed")
        }
    }

    // MARK: Helpers

    private func assertSignalRemovesSocketFile(
        _ signal: Signal, datagram: Bool,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("echo.sock")
        let (_, outcome) = try await withEchoServer(["--unix", path] + (datagram ? ["--udp"] : [])) { server in
            XCTAssertEqual(fileType(path), S_IFSOCK, file: file, line: line)
            try await assertStops(server, with: signal, file: file, line: line)
        }
        assertExitedZero(outcome, file: file, line: line)
        XCTAssertNil(fileType(path), "\(signal) left \(path) behind", file: file, line: line)
    }
}

/// Connects, sends without reading until neither the kernel nor the server
/// takes more (the server is then blocked writing the echo back), and resets
/// the connection. Returns how many bytes went out.
func fillUntilServerBlocks(port: UInt16) async throws -> Int {
    let socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
    // Small buffers on our side make the server block sooner.
    try socket.setOption(SOL_SOCKET, SO_RCVBUF, Int32(4096))
    guard socket.connect(port: port) == 0 else { throw TestSocketError("connect") }
    let chunk = [UInt8](repeating: 0x5a, count: 64 << 10)
    var sent = 0
    var idleRounds = 0
    let deadline = ContinuousClock.now + .seconds(5)
    while idleRounds < 5 && sent < 256 << 20 && ContinuousClock.now < deadline {
        let n = try socket.sendNonBlocking(chunk)
        sent += n
        if n == 0 {
            idleRounds += 1
            try await Task.sleep(for: .milliseconds(20))
        } else {
            idleRounds = 0
        }
    }
    try socket.reset()
    return sent
}

func assertOneErrorLine(_ standardError: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(standardError.hasPrefix("sockworks: "), standardError, file: file, line: line)
    XCTAssertTrue(standardError.hasSuffix("\n"), standardError, file: file, line: line)
    XCTAssertEqual(standardError.filter { $0 == "\n" }.count, 1, standardError, file: file, line: line)
}
