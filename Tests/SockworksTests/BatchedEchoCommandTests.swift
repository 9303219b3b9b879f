import SocketCore
import TestSupport
import XCTest

/// `serve echo --udp --batch [--workers N]` as a process: replies to each
/// sender, a clean stop, and the options' rules.
final class BatchedEchoCommandTests: XCTestCase {
    func testBatchedWorkersEchoEverySenderAndStopOnSIGTERM() async throws {
        let (_, outcome) = try await withEchoServer(["--udp", "--batch", "--workers", "2"]) { server in
            let address = SocketAddress.loopbackIPv4(port: try XCTUnwrap(server.port))
            let clients = try (0..<8).map { _ in try Socket(family: .ipv4, type: .datagram) }
            defer { for client in clients { try? client.close() } }
            for client in clients { try client.bind(to: .loopbackIPv4(port: 0)) }
            // 64 in flight from one sender at a time: a burst from all eight
            // at once could overflow a socket buffer (UDP drops, it does not
            // wait) on a machine slowed by the sanitizer.
            for (number, client) in clients.enumerated() {
                for sequence in 0..<64 { _ = try client.send(Array("\(number).\(sequence)".utf8), to: address) }
                var replies: Set<String> = []
                while replies.count < 64, case .ready = try client.waitUntilReadable(until: .now + .seconds(5)) {
                    let reply = try XCTUnwrap(try client.receiveFrom(maxCount: 100).value)
                    XCTAssertEqual(reply.sender, address)
                    replies.insert(String(decoding: reply.bytes, as: UTF8.self))
                }
                XCTAssertEqual(replies, Set((0..<64).map { "\(number).\($0)" }))
            }
            try await assertStops(server)
        }
        assertExitedZero(outcome)
    }

    func testBatchNeedsUDPAndWorkersNeedAPort() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for arguments in [["--batch"], ["--udp", "--unix", folder.file("echo.sock"), "--workers", "2"]] {
            let run = try await runSockworks(["serve", "echo"] + arguments, timeout: .seconds(10))
            XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.standardError)")
            XCTAssertEqual(run.standardOutput, "")
        }
    }
}
