import Glibc
import Subprocess
import TestSupport
import XCTest

/// `sockworks echo` against `sockworks serve echo`: the project's own client
/// and server on both sides, over every transport.
final class EchoRoundTripTests: XCTestCase {
    /// Several 1024-byte chunks, a final partial one, and no trailing newline.
    static let text = Array((0..<90).map { "line \($0) of the echo text\n" }.joined().utf8) + Array("end".utf8)

    func testTCPv4() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (client, outcome) = try await withEchoServer(["--model", "iterative"]) { server in
            XCTAssertTrue(server.address.hasPrefix("127.0.0.1:"), server.address)
            XCTAssertNotEqual(server.port ?? 0, 0, "port 0 must be replaced by the port picked")
            let client = try await runSockworks(
                ["echo", "127.0.0.1", server.portArgument],
                input: Self.text)
            try await assertStops(server)
            return client
        }
        assertEchoed(client, Self.text)
        assertExitedZero(outcome)
    }

    func testTCPv6Loopback() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (client, outcome) = try await withEchoServer(["--host", "::1"]) { server in
            XCTAssertTrue(server.address.hasPrefix("[::1]:"), server.address)
            XCTAssertNotEqual(server.port ?? 0, 0)
            let client = try await runSockworks(["echo", "::1", server.portArgument], input: Self.text)
            try await assertStops(server)
            return client
        }
        assertEchoed(client, Self.text)
        assertExitedZero(outcome)
    }

    func testUnixStream() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("echo.sock")
        let (client, outcome) = try await withEchoServer(["--unix", path]) { server in
            XCTAssertEqual(server.address, path)
            XCTAssertEqual(fileType(path), S_IFSOCK)
            let client = try await runSockworks(["echo", "--unix", path], input: Self.text)
            try await assertStops(server)
            return client
        }
        assertEchoed(client, Self.text)
        assertExitedZero(outcome)
        XCTAssertNil(fileType(path), "the server must remove its socket file")
    }

    func testUDP() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let lines = Array("one\ntwo words\nthree\n".utf8)
        let (client, outcome) = try await withEchoServer(["--udp"]) { server in
            XCTAssertTrue(server.address.hasPrefix("127.0.0.1:"), server.address)
            XCTAssertNotEqual(server.port ?? 0, 0)
            let client = try await runSockworks(
                ["echo", "--udp", "127.0.0.1", server.portArgument],
                input: lines)
            try await assertStops(server)
            return client
        }
        assertEchoed(client, lines)
        assertExitedZero(outcome)
    }

    func testUnixDatagram() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("echo-dgram.sock")
        let lines = Array("alpha\nbeta\n".utf8)
        let (client, outcome) = try await withEchoServer(["--unix", path, "--udp"]) { server in
            XCTAssertEqual(server.address, path)
            let client = try await runSockworks(["echo", "--udp", "--unix", path], input: lines)
            try await assertStops(server)
            return client
        }
        assertEchoed(client, lines)
        assertExitedZero(outcome)
        XCTAssertNil(fileType(path), "the server must remove its socket file")
    }

    /// Binary-safe and complete: every byte value, no line structure, far more
    /// than any socket buffer, so partial writes and reads must all be handled.
    func testTenMebibytesRoundTripByteIdentical() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let data = randomBytes(10 << 20)
        let (client, outcome) = try await withEchoServer([]) { server in
            let client = try await runSockworks(
                ["echo", "127.0.0.1", server.portArgument],
                input: data, timeout: .seconds(30))
            try await assertStops(server)
            return client
        }
        XCTAssertFalse(client.timedOut, "the 10 MiB round trip took over 30 s")
        XCTAssertEqual(client.exitCode, 0, client.standardError)
        XCTAssertEqual(client.standardOutputBytes.count, data.count)
        XCTAssertTrue(client.standardOutputBytes == data, "the echo differs from what was sent")
        assertExitedZero(outcome)
    }

    /// The iterative server goes back to accept after each client.
    func testServesClientsOneAfterAnother() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (clients, outcome) = try await withEchoServer(["--model", "iterative"]) { server in
            var clients: [ProcessRun] = []
            for n in 1...3 {
                clients.append(
                    try await runSockworks(
                        ["echo", "127.0.0.1", server.portArgument],
                        input: Array("client \(n)\n".utf8)))
            }
            try await assertStops(server)
            return clients
        }
        for (n, client) in zip(1..., clients) { assertEchoed(client, Array("client \(n)\n".utf8)) }
        assertExitedZero(outcome)
    }

    /// While one client is connected, the next waits in the backlog: it is
    /// served only once the first has gone.
    func testIterativeServesOneConnectionAtATime() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let hold = Duration.milliseconds(400)
        let (result, outcome) = try await withEchoServer(["--model", "iterative"]) { server in
            let first = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
            XCTAssertEqual(first.connect(port: try XCTUnwrap(server.port)), 0)
            try first.sendAll(Array("first".utf8))
            XCTAssertEqual(try first.receive(exactly: 5), Array("first".utf8))
            let started = ContinuousClock.now
            async let second = runSockworks(
                ["echo", "127.0.0.1", server.portArgument],
                input: Array("second\n".utf8))
            try await Task.sleep(for: hold)
            // Still the first client's server, all the while.
            try first.sendAll(Array("again".utf8))
            XCTAssertEqual(try first.receive(exactly: 5), Array("again".utf8))
            first.close()
            let client = try await second
            let waited = ContinuousClock.now - started
            try await assertStops(server)
            return (client, waited)
        }
        assertEchoed(result.0, Array("second\n".utf8))
        XCTAssertGreaterThanOrEqual(result.1, hold, "the second client was served while the first was connected")
        assertExitedZero(outcome)
    }

    /// No input: nothing to send, nothing to wait for, a clean exit.
    func testEmptyInput() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for udp in [false, true] {
            let (client, outcome) = try await withEchoServer(udp ? ["--udp"] : []) { server in
                let arguments = ["echo"] + (udp ? ["--udp"] : []) + ["127.0.0.1", server.portArgument]
                let client = try await runSockworks(arguments)
                try await assertStops(server)
                return client
            }
            assertEchoed(client, [])
            assertExitedZero(outcome)
        }
    }
}

// MARK: - Shared assertions

/// SIGTERM by PID, then waits; fails when the server is still running after 5 s.
func assertStops(
    _ server: EchoServer, with signal: Signal = .terminate,
    file: StaticString = #filePath, line: UInt = #line
) async throws {
    XCTAssertTrue(server.process.isRunning, "the server died before it was stopped", file: file, line: line)
    let stopped = try await server.process.stop(signal)
    XCTAssertTrue(stopped, "the server did not exit within 5 s of \(signal)", file: file, line: line)
}

func assertEchoed(_ client: ProcessRun, _ sent: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(client.timedOut, "the client hung", file: file, line: line)
    XCTAssertEqual(client.exitCode, 0, client.standardError, file: file, line: line)
    if sent.count <= 4096 {
        XCTAssertEqual(client.standardOutput, String(decoding: sent, as: UTF8.self), file: file, line: line)
    }
    XCTAssertTrue(
        client.standardOutputBytes == sent,
        "\(client.standardOutputBytes.count) bytes came back for \(sent.count) sent, not the same",
        file: file, line: line)
    XCTAssertEqual(client.standardError, "", file: file, line: line)
}

func assertExitedZero(_ outcome: LiveOutcome, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(outcome.leftRunning, "the test left the process running", file: file, line: line)
    XCTAssertEqual(
        outcome.exitCode, 0, "status \(outcome.status), stderr: \(outcome.standardError)",
        file: file, line: line)
}
