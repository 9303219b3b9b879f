import SocketCore
import TestSupport
import XCTest

@testable import HTTP

/// The client against servers of the test's own that frame bodies every
/// legal way and break the rules in each way that matters.
final class ClientHostileServerTests: XCTestCase {
    /// Answers one request with `response` (sent at once, or a byte at a
    /// time) and closes.
    private func serve(_ response: String, trickle: Bool = false) throws -> ScriptedServer {
        try ScriptedServer { connection in
            guard let request = connection.readRequest() else { return [] }
            if trickle { connection.trickle(response) } else { connection.send(response) }
            return [request]
        }
    }

    private func fetch(_ url: String, timeout: Duration = .seconds(5), follow: Bool = false) throws
        -> (response: ClientResponse, body: String)
    {
        let client = HTTPClient(timeout: timeout)
        defer { client.close() }
        let (response, body) = try client.fetch(ClientRequest(url: HTTPURL(url)), followRedirects: follow)
        return (response, String(decoding: body, as: UTF8.self))
    }

    /// The error fetching from a server that answers `response`.
    private func failure(_ response: String, timeout: Duration = .seconds(5)) throws -> HTTPClientError? {
        let server = try serve(response)
        defer { _ = try? server.requests() }
        do {
            _ = try fetch(server.url(), timeout: timeout)
            return nil
        } catch let error as HTTPClientError {
            return error
        }
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let server = try serve(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n"
        )
        let (response, body) = try fetch(server.url())
        XCTAssertEqual(body, "hello world")
        XCTAssertEqual(response.bodyBytes, 11)
        XCTAssertEqual(response.trailers.first("x-sum"), "42")
        XCTAssertEqual(try server.requests().count, 1)
    }

    func testChunkedBodySplitAcrossWrites() throws {
        let server = try serve(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
            trickle: true)
        XCTAssertEqual(try fetch(server.url()).body, "abc0123456789abcdef")
        _ = try server.requests()
    }

    func testCloseDelimitedBody() throws {
        let server = try serve("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
        let (response, body) = try fetch(server.url())
        XCTAssertEqual(body, "until the end")
        XCTAssertEqual(response.bodyBytes, 13)
        _ = try server.requests()
    }

    func testHeadSplitAtEveryByteIsRead() throws {
        let server = try serve("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-A: b\r\n\r\nbody", trickle: true)
        let (response, body) = try fetch(server.url())
        XCTAssertEqual(body, "body")
        XCTAssertEqual(response.fields.first("x-a"), "b")
        _ = try server.requests()
    }

    func testInterimResponsesAreSkipped() throws {
        let server = try serve("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let (response, body) = try fetch(server.url())
        XCTAssertEqual(response.status.code, 200)
        XCTAssertEqual(body, "ok")
        _ = try server.requests()
    }

    func testBothContentLengthAndTransferEncodingAreRefused() throws {
        let error = try failure(
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        XCTAssertEqual(error, .malformedResponse(.badFraming("both Transfer-Encoding and Content-Length")))
    }

    func testDifferingContentLengthsAreRefused() throws {
        let error = try failure("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")
        XCTAssertEqual(error, .malformedResponse(.badFraming("differing Content-Length values")))
    }

    func testBareLineFeedIsRefused() throws {
        XCTAssertEqual(
            try failure("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"), .malformedResponse(.malformedLineEnd))
    }

    func testObsFoldIsRefused() throws {
        XCTAssertEqual(
            try failure("HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 2\r\n\r\nok"),
            .malformedResponse(.malformedField("obsolete line folding")))
    }

    func testHeaderBlockOfAMebibyteIsRefusedAtTheLimit() throws {
        let huge = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "x", count: 1 << 20) + "\r\n\r\n"
        XCTAssertEqual(try failure(huge), .malformedResponse(.headerBlockTooLarge(limit: 64 * 1024)))
    }

    func testBodyShorterThanItsContentLengthIsAnError() throws {
        XCTAssertEqual(
            try failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
            .closedMidResponse("after 5 of the 10 bytes of the body"))
    }

    func testChunkedBodyCutShortIsAnError() throws {
        guard case .closedMidResponse? = try failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
        else { return XCTFail("a chunked body cut short was not reported as such") }
    }

    func testSilentServerTimesOutAtTheDeadline() throws {
        let server = try ScriptedServer { connection in
            guard let request = connection.readRequest() else { return [] }
            _ = connection.readRequest()  // until the client gives up and closes
            return [request]
        }
        let started = MonotonicInstant.now
        XCTAssertThrowsError(try fetch(server.url(), timeout: .milliseconds(300))) { error in
            XCTAssertEqual(error as? HTTPClientError, .timedOut(during: "waiting for the response head"))
        }
        let elapsed = MonotonicInstant.now - started
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300))
        XCTAssertLessThan(elapsed, .seconds(5))
        XCTAssertEqual(try server.requests().count, 1)
    }

    func testCloseInTheStatusLineIsAnError() throws {
        XCTAssertEqual(try failure("HTTP/1.1 20"), .closedMidResponse("in the middle of the response head"))
    }

    func testCloseWithoutAnyResponseIsAnError() throws {
        XCTAssertEqual(try failure(""), .closedBeforeResponse)
    }

    func testRedirectLoopStopsAfterTenRedirects() throws {
        let server = try ScriptedServer { connection in
            var requests: [String] = []
            while let request = connection.readRequest() {
                requests.append(request)
                connection.send("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 4\r\n\r\nloop")
            }
            return requests
        }
        XCTAssertThrowsError(try fetch(server.url(), follow: true)) { error in
            XCTAssertEqual(error as? HTTPClientError, .tooManyRedirects(limit: 10))
        }
        // The first request and ten redirects, all on one connection.
        XCTAssertEqual(try server.requests().count, 11)
    }

    func testKeptConnectionIsReusedAndReopenedWhenTheServerClosedIt() throws {
        // First connection: two requests, then the server closes it idle.
        // Second connection: the third request, sent again there.
        let server = try ScriptedServer(connections: 2) { connection in
            var requests: [String] = []
            for _ in 0..<2 {
                guard let request = connection.readRequest() else { break }
                requests.append(request)
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n\(requests.count)")
            }
            return requests
        }
        let client = HTTPClient(timeout: .seconds(5))
        defer { client.close() }
        var events: [String] = []
        client.onEvent = { event in
            switch event {
            case .connected: events.append("connected")
            case .reusing: events.append("reusing")
            case .reconnecting: events.append("reconnecting")
            default: break
            }
        }
        let url = try HTTPURL(server.url("/x"))
        var bodies: [String] = []
        for _ in 0..<3 {
            bodies.append(String(decoding: try client.fetch(ClientRequest(url: url)).body, as: UTF8.self))
        }
        XCTAssertEqual(bodies, ["1", "2", "1"])
        XCTAssertEqual(events, ["connected", "reusing", "reusing", "reconnecting", "connected"])
        XCTAssertEqual(try server.requests().count, 3)
    }

    func testConnectionRefusedIsReported() throws {
        let port = try unusedTCPPort()
        XCTAssertThrowsError(try fetch("http://127.0.0.1:\(port)/")) { error in
            guard case .cannotConnect(_, let cause)? = error as? HTTPClientError else { return XCTFail("\(error)") }
            XCTAssertEqual(cause.code, ECONNREFUSED)
            XCTAssertTrue("\(error)".hasPrefix("connection refused by 127.0.0.1:\(port)"), "\(error)")
        }
    }

    func testNoDescriptorIsLeft() throws {
        let before = try openDescriptorCount()
        for response in ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 200 OK\nbad", "HTTP/1.1 20"] {
            let server = try serve(response)
            _ = try? fetch(server.url())
            _ = try server.requests()
        }
        XCTAssertEqual(try openDescriptorCount(), before)
    }
}
