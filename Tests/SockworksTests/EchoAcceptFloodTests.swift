import Glibc
import SocketCore
import TestSupport
import XCTest

/// The event models take one connection per readiness report and rely on
/// the listener being reported again while more wait: a queue of many
/// connections, all made while the server could not run, is served whole.
final class EchoAcceptFloodTests: XCTestCase {
    func testEveryQueuedConnectionIsServedAfterTheServerResumes() async throws {
        for model in ["select", "poll", "epoll"] {
            let (echoed, outcome) = try await withEchoServer(["--model", model]) { server in
                let port = try XCTUnwrap(server.port)
                // Stopped, the server accepts nothing; the kernel completes
                // every handshake and queues the connections.
                XCTAssertEqual(kill(server.process.pid, SIGSTOP), 0)
                var clients: [Socket] = []
                defer { for client in clients { try? client.close() } }
                for number in 0..<200 {
                    let client = try Socket(family: .ipv4, type: .stream)
                    clients.append(client)
                    try client.connect(to: .loopbackIPv4(port: port), timeout: .seconds(5))
                    try client.sendAll(Array("client \(number)\n".utf8))
                }
                XCTAssertEqual(kill(server.process.pid, SIGCONT), 0)
                var echoed = 0
                for (number, client) in clients.enumerated() {
                    try client.setOption(.receiveTimeout, to: .seconds(20))
                    let want = Array("client \(number)\n".utf8)
                    var got: [UInt8] = []
                    while got.count < want.count {
                        // A receive timeout (would-block) ends the wait as end of file does.
                        guard case .processed(let bytes) = try client.receive(maxCount: want.count - got.count),
                            !bytes.isEmpty
                        else { break }
                        got += bytes
                    }
                    if got == want { echoed += 1 }
                }
                for client in clients { try client.close() }
                clients = []
                try await assertStops(server)
                return echoed
            }
            XCTAssertEqual(echoed, 200, "\(model): connections left unserved")
            assertExitedZero(outcome)
        }
    }
}
