import Glibc
import TestSupport
import XCTest

/// The endpoint's HTTP: what it answers to requests other than a scrape,
/// that it goes on serving after each, and its option's errors.
final class MetricsEndpointTests: XCTestCase {
    func testAnswersWhatIsNotAScrapeAndStillServes() async throws {
        let descriptors = try openSocketAndPipeCount()
        let (_, outcome) = try await withMetricsServer(["echo"]) { server in
            // A client that connects and sends nothing holds one of the
            // endpoint's connections, not the endpoint.
            let silent = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
            defer { silent.close() }
            XCTAssertEqual(silent.connect(port: server.metricsPort), 0)

            let post = try exchange(
                server.metricsPort, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            XCTAssertTrue(post.hasPrefix("HTTP/1.1 405 "), post)
            XCTAssertTrue(post.contains("\r\nAllow: GET, HEAD\r\n"), post)

            let other = try exchange(server.metricsPort, "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertTrue(other.hasPrefix("HTTP/1.1 404 "), other)

            let garbage = try exchange(server.metricsPort, "GET /metrics HTTP/1.1\r\nHost x\r\n\r\n")
            XCTAssertTrue(garbage.hasPrefix("HTTP/1.1 400 "), garbage)

            let huge =
                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: \(String(repeating: "f", count: 100 * 1024))\r\n\r\n"
            let refused = try exchange(server.metricsPort, huge)
            XCTAssertTrue(refused.hasPrefix("HTTP/1.1 431 "), String(refused.prefix(200)))

            let head = try exchange(server.metricsPort, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertTrue(head.hasPrefix("HTTP/1.1 200 "), head)
            XCTAssertTrue(head.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), head)
            XCTAssertTrue(head.hasSuffix("\r\n\r\n"), "a HEAD answer has no body: \(head)")

            let get = try exchange(server.metricsPort, "GET /metrics?x=1 HTTP/1.0\r\n\r\n")
            XCTAssertTrue(get.hasPrefix("HTTP/1.1 200 "), get)
            let (getHead, body) = try XCTUnwrap(splitHead(get))
            XCTAssertEqual(contentLength(getHead), body.utf8.count)
            XCTAssertTrue(body.contains("# TYPE sockworks_connections_open gauge\n"), body)

            let scraped = try await scrape(server.metricsURL)
            XCTAssertEqual(scraped.type(of: "sockworks_requests_total"), "counter")
            try await assertStops(server)
        }
        assertExitedZero(outcome)
        XCTAssertEqual(try openSocketAndPipeCount(), descriptors, "the test left sockets or pipes open")
    }

    /// More clients at once than the endpoint serves: each is answered in turn.
    func testServesMoreClientsThanItsConnectionsInTurn() async throws {
        let (_, outcome) = try await withMetricsServer(["echo", "--model", "thread"]) { server in
            var clients: [TestSocket] = []
            defer { for client in clients { client.close() } }
            for _ in 0..<10 {
                let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
                clients.append(client)
                XCTAssertEqual(client.connect(port: server.metricsPort), 0)
                try client.sendAll(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            }
            for client in clients {
                let answer = try receiveAll(client)
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200 "), String(answer.prefix(100)))
            }
            try await assertStops(server)
        }
        assertExitedZero(outcome)
    }

    func testBadMetricsAddressesExitTwo() async throws {
        for address in ["nonsense", "127.0.0.1", "127.0.0.1:70000", "::1:9100", "/tmp/metrics.sock"] {
            let run = try await runSockworks(["serve", "echo", "--metrics", address])
            XCTAssertEqual(run.exitCode, 2, "\(address): \(run.standardError)")
            XCTAssertEqual(
                run.standardError,
                "sockworks: --metrics \(address) is not HOST:PORT (an IPv4 address, or an IPv6 one in brackets) "
                    + "or a port (see 'sockworks serve echo --help')\n")
        }
        for command in [["udpping"], ["heartbeat"], ["http", "--root", "/"]] {
            let run = try await runSockworks(["serve"] + command + ["--metrics", "localhost:9100"])
            XCTAssertEqual(run.exitCode, 2, "\(command): \(run.standardError)")
        }
    }

    /// A taken port fails before the server says it listens.
    func testTakenMetricsPortFailsBeforeListening() async throws {
        let taken = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        defer { taken.close() }
        let port = try taken.bind()
        XCTAssertEqual(listen(taken.fd, 1), 0)
        let run = try await runSockworks(["serve", "echo", "--metrics", "127.0.0.1:\(port)"])
        XCTAssertNotEqual(run.exitCode, 0)
        XCTAssertFalse(run.standardOutput.contains("listening on"), run.standardOutput)
        XCTAssertTrue(run.standardError.contains("metrics endpoint"), run.standardError)
    }

    /// Sends `request` on a new connection and reads the answer to its end
    /// (the endpoint closes after each). A send the endpoint cut short by
    /// answering first is not an error.
    private func exchange(_ port: UInt16, _ request: String) throws -> String {
        let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        defer { client.close() }
        XCTAssertEqual(client.connect(port: port), 0)
        try? client.sendAll(Array(request.utf8))
        return try receiveAll(client)
    }

    private func receiveAll(_ client: TestSocket) throws -> String {
        try client.setReceiveTimeout(5)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                if count < 0 { throw TestSocketError("recv") }
                break
            }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A response's head (through its empty line) and its body.
    private func splitHead(_ response: String) -> (String, String)? {
        guard let end = response.range(of: "\r\n\r\n") else { return nil }
        return (String(response[..<end.upperBound]), String(response[end.upperBound...]))
    }

    private func contentLength(_ head: String) -> Int? {
        head.split(separator: "\r\n").first { $0.hasPrefix("Content-Length: ") }
            .flatMap { Int($0.dropFirst("Content-Length: ".count)) }
    }
}
