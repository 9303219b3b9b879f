import Glibc
import TestSupport
import XCTest

/// The select model and FD_SETSIZE: a connection whose descriptor select
/// cannot watch is closed with a log line, the others go on, and nothing
/// writes past the descriptor sets (AddressSanitizer would see it in a
/// sanitized build of the server).
final class SelectLimitTests: XCTestCase {
    func testConnectionsBeyondFDSetSizeAreClosedAndLogged() async throws {
        let total = 1040
        let (counts, outcome) = try await withEchoServer(["--model", "select"]) { server in
            let port = try XCTUnwrap(server.port)
            var clients: [TestSocket] = []
            for _ in 0..<total {
                let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
                XCTAssertEqual(client.connect(port: port), 0)
                clients.append(client)
            }
            var echoed = 0
            var closed = 0
            for client in clients {
                try client.sendAll([42])
                do {
                    let reply = try client.receive(exactly: 1, seconds: 5)
                    XCTAssertEqual(reply, [42])
                    echoed += 1
                } catch {
                    closed += 1
                }
            }
            for client in clients { client.close() }
            // The server still serves once the descriptors are free again.
            let fresh = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
            XCTAssertEqual(fresh.connect(port: port), 0)
            try fresh.sendAll([7, 8])
            XCTAssertEqual(try fresh.receive(exactly: 2), [7, 8])
            fresh.close()
            try await assertStops(server)
            return (echoed, closed)
        }
        // 1024 descriptors minus standard streams, listener and the server's
        // own few; every other connection is closed, none is left hanging.
        XCTAssertGreaterThan(counts.0, 1000)
        XCTAssertLessThan(counts.0, 1024)
        XCTAssertEqual(counts.0 + counts.1, total)
        XCTAssertTrue(
            outcome.standardError.contains("is not below FD_SETSIZE (1024); closed it"),
            outcome.standardError.suffix(500).description)
        assertExitedZero(outcome)
    }
}
