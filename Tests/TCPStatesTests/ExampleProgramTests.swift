import Glibc
import SocketCore
import XCTest

/// The two example programs run as a student would run them, each talked to
/// over 127.0.0.1.
final class ExampleProgramTests: XCTestCase {
    override func setUp() {
        // A test writes to sockets whose reader may be gone: it must see
        // EPIPE, not die.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Two clients at once, the second answered while the first is still
    /// connected (a thread each), then SIGTERM closes the server cleanly.
    func testTCPServerExampleUpperCasesForClientsAtOnceAndClosesOnSIGTERM() async throws {
        let (_, end) = try await withExample("TCPServerExample", ["0"]) { example in
            let listening = try await example.listeningAddress()
            let address = try XCTUnwrap(SocketAddress(listening))
            XCTAssertEqual(address.ipAddress, IPAddress("127.0.0.1"))
            let first = try connectClient(to: address)
            let second = try connectClient(to: address)
            try second.sendAll(Array("second, Then first\n".utf8))
            XCTAssertEqual(String(decoding: try receive(19, from: second), as: UTF8.self), "SECOND, THEN FIRST\n")
            try first.sendAll(Array("abc-xyz 123".utf8))
            XCTAssertEqual(String(decoding: try receive(11, from: first), as: UTF8.self), "ABC-XYZ 123")
            try first.shutdown(.write)
            XCTAssertTrue(try peerClosed(first), "the server closes a client that has finished")
            try first.close()
            try second.close()

            try example.signal(.terminate)
            let exited = try await example.waitForExit()
            XCTAssertTrue(exited, "SIGTERM did not end establishConnection")
            XCTAssertTrue(try isRefused(address))
        }
        XCTAssertFalse(end.leftRunning)
        XCTAssertEqual(end.status, .exited(0), end.standardError)
        XCTAssertTrue(end.standardOutput.hasPrefix("listening on 127.0.0.1:"), end.standardOutput)
        XCTAssertTrue(end.standardOutput.hasSuffix("\nclosed\n"), end.standardOutput)
    }

    func testTCPServerExampleRefusesABadHostAndABusyPort() async throws {
        let busy = try Socket(family: .ipv4, type: .stream)
        try busy.bind(to: .loopbackIPv4(port: 0))
        try busy.listen()
        let port = try XCTUnwrap(try busy.localAddress.port)
        let (_, taken) = try await withExample("TCPServerExample", ["\(port)"]) { try await $0.waitForExit() }
        XCTAssertEqual(taken.status, .exited(1))
        XCTAssertEqual(taken.standardOutput, "", "no 'listening on' line when it cannot listen")
        XCTAssertEqual(
            taken.standardError,
            "TCPServerExample: openServer: cannot bind 127.0.0.1:\(port): "
                + "EADDRINUSE (Address already in use): another socket holds this port\n")
        try busy.close()

        let (_, bad) = try await withExample("TCPServerExample", ["0", "localhost"]) { try await $0.waitForExit() }
        XCTAssertEqual(bad.status, .exited(1))
        XCTAssertTrue(bad.standardError.contains("\"localhost\" is not an IPv4 or IPv6 address"), bad.standardError)

        let (_, usage) = try await withExample("TCPServerExample", ["seven"]) { try await $0.waitForExit() }
        XCTAssertEqual(usage.status, .exited(2))
        XCTAssertTrue(usage.standardError.hasPrefix("usage: TCPServerExample PORT [HOST]"), usage.standardError)
    }

    /// Two clients, one after the other: each echoed, and each state the
    /// connection passes through printed, ending in CLOSED.
    func testTCPConnectionExampleEchoesClientsInTurnThroughEveryState() async throws {
        let (peers, end) = try await withExample("TCPConnectionExample", ["0", "2"]) { example in
            let listening = try await example.listeningAddress()
            let address = try XCTUnwrap(SocketAddress(listening))
            var peers: [String] = []
            for text in ["one\n", "two, longer\n"] {
                let client = try connectClient(to: address)
                peers.append("\(try client.localAddress)")
                let lines = try await example.lines(atLeast: peers.count * 2 + 1)
                XCTAssertEqual(lines.last, "ESTABLISHED with \(peers.last!)")
                try client.sendAll(Array(text.utf8))
                XCTAssertEqual(String(decoding: try receive(text.utf8.count, from: client), as: UTF8.self), text)
                try client.shutdown(.write)
                XCTAssertTrue(try peerClosed(client))
                try client.close()
            }
            let exited = try await example.waitForExit()
            XCTAssertTrue(exited, "it did not close after its two clients")
            return peers
        }
        XCTAssertEqual(end.status, .exited(0), end.standardError)
        let lines = end.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines.dropFirst(),
            [
                "LISTEN", "ESTABLISHED with \(peers[0])", "LISTEN",
                "ESTABLISHED with \(peers[1])", "LISTEN", "CLOSED",
            ])
        XCTAssertTrue(lines.first?.hasPrefix("listening on 127.0.0.1:") ?? false, end.standardOutput)
    }
}
