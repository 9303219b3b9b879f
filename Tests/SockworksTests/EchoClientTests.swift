import Glibc
import TestSupport
import XCTest

/// `sockworks echo` when things go wrong: nobody listening, nobody answering,
/// bad arguments.
final class EchoClientTests: XCTestCase {
    func testRefusedConnectionIsOneClearLine() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let port = try unusedTCPPort()
        let client = try await runSockworks(["echo", "127.0.0.1", String(port)], input: Array("hello\n".utf8))
        XCTAssertFalse(client.timedOut)
        XCTAssertEqual(client.exitCode, 1, "\(client.status)")
        XCTAssertEqual(
            client.standardError,
            "sockworks: connect(127.0.0.1:\(port)): ECONNREFUSED (Connection refused)\n")
        XCTAssertEqual(client.standardOutput, "")
    }

    func testMissingUnixSocketIsOneClearLine() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("nobody.sock")
        let client = try await runSockworks(["echo", "--unix", path], input: Array("hello\n".utf8))
        XCTAssertFalse(client.timedOut)
        XCTAssertEqual(client.exitCode, 1, "\(client.status)")
        assertOneErrorLine(client.standardError)
        XCTAssertTrue(client.standardError.contains(path), client.standardError)
        XCTAssertTrue(client.standardError.contains("ENOENT"), client.standardError)
    }

    /// Nothing answers: a UDP socket the test binds and never reads from until
    /// the end. Every datagram is still sent (the client goes on after a
    /// timeout), each missing reply is one stderr line, and the exit is 1.
    func testUDPTimeoutIsReportedPerDatagram() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let silent = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
        defer { silent.close() }
        let port = try silent.bind()
        let started = ContinuousClock.now
        let client = try await runSockworks(
            ["echo", "--udp", "--timeout", "0.2", "127.0.0.1", String(port)],
            input: Array("first\nsecond\n".utf8))
        let elapsed = ContinuousClock.now - started
        XCTAssertFalse(client.timedOut)
        XCTAssertEqual(client.exitCode, 1, "\(client.status)")
        XCTAssertEqual(
            client.standardError,
            "sockworks: no reply within 0.2 s to datagram 1\n"
                + "sockworks: no reply within 0.2 s to datagram 2\n")
        XCTAssertEqual(client.standardOutput, "")
        XCTAssertLessThan(elapsed, .seconds(1.5), "--timeout 0.2 was not applied (the default is 1 s)")
        var received: [String] = []
        while let datagram = try silent.receiveNonBlocking() {
            received.append(String(decoding: datagram, as: UTF8.self))
        }
        XCTAssertEqual(received, ["first", "second"], "each line, without its newline, is one datagram")
    }

    /// "Each line of stdin (without its newline) is one datagram": the line's
    /// bytes exactly, whatever they are (not UTF-8, a NUL, a trailing CR).
    func testUDPDatagramsCarryTheLineBytesExactly() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let silent = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
        defer { silent.close() }
        let port = try silent.bind()
        let lines: [[UInt8]] = [[0x66, 0xFF, 0xFE, 0x00, 0x67], Array("carriage\r".utf8), []]
        let client = try await runSockworks(
            ["echo", "--udp", "--timeout", "0.1", "127.0.0.1", String(port)],
            input: lines.flatMap { $0 + [0x0A] })
        XCTAssertEqual(client.exitCode, 1, "no replies come")
        var received: [[UInt8]] = []
        while let datagram = try silent.receiveNonBlocking() { received.append(datagram) }
        XCTAssertEqual(received, lines)
    }

    /// Binary lines come back byte for byte from our own server too.
    func testUDPRoundTripOfBinaryLines() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input: [UInt8] = [0x80, 0xFF, 0x00, 0x0A, 0x0D, 0x0A, 0x41, 0x0A]
        let (client, outcome) = try await withEchoServer(["--udp"]) { server in
            let client = try await runSockworks(
                ["echo", "--udp", "127.0.0.1", server.portArgument],
                input: input)
            try await assertStops(server)
            return client
        }
        assertEchoed(client, input)
        assertExitedZero(outcome)
    }

    /// A missing reply among answered ones: only that datagram is reported,
    /// and the replies that came are still written.
    func testUDPReportsOnlyTheMissingReply() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let responder = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
        defer { responder.close() }
        let port = try responder.bind()
        let answering = Task { [fd = responder.fd] in await answerAllBut(2, fd: fd, count: 3) }
        let client = try await runSockworks(
            ["echo", "--udp", "--timeout", "0.3", "127.0.0.1", String(port)],
            input: Array("a\nb\nc\n".utf8))
        _ = await answering.value
        XCTAssertEqual(client.exitCode, 1, "\(client.status)")
        XCTAssertEqual(client.standardError, "sockworks: no reply within 0.3 s to datagram 2\n")
        XCTAssertEqual(client.standardOutput, "a\nc\n")
    }

    func testBadArgumentsExitTwo() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cases: [[String]] = [
            ["echo", "127.0.0.1", "notaport"],
            ["echo", "127.0.0.1", "70000"],
            ["echo"],
            ["echo", "--udp", "--timeout", "soon", "127.0.0.1", "7"],
            ["serve", "echo", "--port", "70000"],
            ["serve", "echo", "--model", "nonesuch"],
        ]
        for arguments in cases {
            let run = try await runSockworks(arguments, timeout: .seconds(5))
            XCTAssertFalse(run.timedOut, "\(arguments)")
            XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.status) \(run.standardError)")
            assertOneErrorLine(run.standardError)
        }
    }
}

/// Echoes `count` datagrams back to their senders, except the `skip`th
/// (1-based), which it swallows. Polls without blocking, so it never holds one
/// of the few cooperative threads; gives up after 5 s.
private func answerAllBut(_ skip: Int, fd: Int32, count: Int) async {
    let deadline = ContinuousClock.now + .seconds(5)
    var buffer = [UInt8](repeating: 0, count: 65536)
    var n = 0
    while n < count && ContinuousClock.now < deadline {
        var peer = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let received = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, &length)
                }
            }
        }
        if received < 0 {
            try? await Task.sleep(for: .milliseconds(2))
            continue
        }
        n += 1
        if n == skip { continue }
        _ = buffer.withUnsafeBytes { raw in
            withUnsafePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, received, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
    }
}
