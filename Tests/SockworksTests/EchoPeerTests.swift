import Glibc
import TestSupport
import XCTest

/// `socat` and `nc` (netcat-openbsd) on one side, ours on the other: the
/// programs speak the plain protocol, not just to each other.
final class EchoPeerTests: XCTestCase {
    static let binary = randomBytes(100_000)

    // MARK: Peers as clients of our server

    func testSocatClientOverTCP() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (peer, outcome) = try await withEchoServer([]) { server in
            // After stdin ends socat shuts down its write side and waits for
            // the server to close, so the whole echo arrives before it exits.
            let peer = try await runProgram(
                PeerTool.socat, ["-t", "5", "-", "TCP:127.0.0.1:\(server.portArgument)"],
                input: Self.binary)
            try await assertStops(server)
            return peer
        }
        assertPeerGotBack(peer, Self.binary)
        assertExitedZero(outcome)
    }

    func testNetcatClientOverTCP() async throws {
        try PeerTool.require(PeerTool.netcat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (peer, outcome) = try await withEchoServer([]) { server in
            // -N: shutdown(SHUT_WR) at the end of stdin, then read to EOF.
            let peer = try await runProgram(
                PeerTool.netcat, ["-N", "127.0.0.1", server.portArgument],
                input: Self.binary)
            try await assertStops(server)
            return peer
        }
        assertPeerGotBack(peer, Self.binary)
        assertExitedZero(outcome)
    }

    func testSocatClientOverUnixStream() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("echo.sock")
        let (peer, outcome) = try await withEchoServer(["--unix", path]) { server in
            let peer = try await runProgram(
                PeerTool.socat, ["-t", "5", "-", "UNIX-CONNECT:\(path)"],
                input: Self.binary)
            try await assertStops(server)
            return peer
        }
        assertPeerGotBack(peer, Self.binary)
        assertExitedZero(outcome)
    }

    func testSocatClientOverUDP() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let datagram = Array("one datagram\n".utf8)
        let (peer, outcome) = try await withEchoServer(["--udp"]) { server in
            // One datagram out; -t 1: wait a second for the reply after stdin ends.
            let peer = try await runProgram(
                PeerTool.socat, ["-t", "1", "-", "UDP:127.0.0.1:\(server.portArgument)"],
                input: datagram)
            try await assertStops(server)
            return peer
        }
        assertPeerGotBack(peer, datagram)
        assertExitedZero(outcome)
    }

    func testSocatClientOverUnixDatagram() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("echo-dgram.sock")
        let datagram = Array("to a UNIX datagram server".utf8)
        let (peer, outcome) = try await withEchoServer(["--unix", path, "--udp"]) { server in
            // The reply goes to the sender's address: socat binds one.
            let peer = try await runProgram(
                PeerTool.socat, ["-t", "1", "-", "UNIX-SENDTO:\(path),bind=\(folder.file("socat-client.sock"))"],
                input: datagram)
            try await assertStops(server)
            return peer
        }
        assertPeerGotBack(peer, datagram)
        assertExitedZero(outcome)
        XCTAssertNil(fileType(path), "the server must remove its socket file")
    }

    // MARK: Our client against socat echo servers

    func testClientAgainstSocatTCPServer() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let client = try await withSocatServer(
            listen: { "TCP4-LISTEN:\($0),bind=127.0.0.1,reuseaddr,fork" },
            ready: { try await waitUntilListening(port: $0) }
        ) { port in
            try await runSockworks(["echo", "127.0.0.1", String(port)], input: Self.binary)
        }
        assertEchoed(client, Self.binary)
    }

    func testClientAgainstSocatUnixStreamServer() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("socat.sock")
        let (client, socat) = try await withProgram(
            PeerTool.socat, ["UNIX-LISTEN:\(path),fork", "PIPE"], ownProcessGroup: true
        ) { socat in
            guard try await waitUntilSocketFile(path) else {
                XCTFail("socat did not listen on \(path)")
                return nil as ProcessRun?
            }
            let client = try await runSockworks(["echo", "--unix", path], input: Self.binary)
            await stopPeer(socat)
            return client
        }
        XCTAssertFalse(socat.leftRunning)
        if let client { assertEchoed(client, Self.binary) }
    }

    func testUDPClientAgainstSocatServer() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let lines = Array("first\nsecond\nthird\n".utf8)
        let client = try await withSocatServer(
            listen: { "UDP4-RECVFROM:\($0),bind=127.0.0.1,fork" },
            ready: { try await waitUntilUDPPortTaken($0) },
            probe: { try unusedUDPPort() }
        ) { port in
            try await runSockworks(["echo", "--udp", "127.0.0.1", String(port)], input: lines)
        }
        assertEchoed(client, lines)
    }

    func testUnixDatagramClientAgainstSocatServer() async throws {
        try PeerTool.require(PeerTool.socat)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("socat-dgram.sock")
        let lines = Array("first\nsecond\n".utf8)
        let (client, socat) = try await withProgram(
            PeerTool.socat, ["UNIX-RECVFROM:\(path),fork", "PIPE"], ownProcessGroup: true
        ) { socat in
            guard try await waitUntilSocketFile(path) else {
                XCTFail("socat did not bind \(path)")
                return nil as ProcessRun?
            }
            let client = try await runSockworks(["echo", "--udp", "--unix", path], input: lines)
            await stopPeer(socat)
            return client
        }
        XCTAssertFalse(socat.leftRunning)
        if let client { assertEchoed(client, lines) }
    }

    // MARK: Helpers

    /// Runs `socat LISTEN PIPE` on a free loopback port, retrying with another
    /// port when someone took the probed one first, and runs `body` against it.
    private func withSocatServer(
        listen: (UInt16) -> String,
        ready: (UInt16) async throws -> Bool,
        probe: () throws -> UInt16 = { try unusedTCPPort() },
        _ body: (UInt16) async throws -> ProcessRun
    ) async throws -> ProcessRun {
        for _ in 0..<3 {
            let port = try probe()
            let (client, socat) = try await withProgram(PeerTool.socat, [listen(port), "PIPE"], ownProcessGroup: true) {
                socat in
                guard try await ready(port), socat.isRunning else {
                    await stopPeer(socat)
                    return nil as ProcessRun?
                }
                let client = try await body(port)
                await stopPeer(socat)
                return client
            }
            XCTAssertFalse(socat.leftRunning)
            if let client { return client }
        }
        throw XCTSkip("socat could not listen on a free loopback port in three tries")
    }
}

/// Stops a peer (and the children of its process group) by its ID; how the
/// peer exits is not the subject of these tests.
func stopPeer(_ peer: LiveProcess) async {
    _ = try? await peer.stop(.terminate)
}

func assertPeerGotBack(_ peer: ProcessRun, _ sent: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(peer.timedOut, "the peer hung", file: file, line: line)
    XCTAssertEqual(peer.exitCode, 0, peer.standardError, file: file, line: line)
    XCTAssertEqual(peer.standardOutputBytes.count, sent.count, file: file, line: line)
    XCTAssertTrue(peer.standardOutputBytes == sent, "the echo differs from what was sent", file: file, line: line)
}
