import Glibc
import Servers
import SocketCore
import TestSupport
import Testing

/// The limits that keep one client from taking more than its share, on
/// every model: oversized heads and bodies, slow heads, idle connections.
@Suite struct HTTPLimitsConformance {
    /// Sends `request` and expects `status`, then the connection closed.
    func expectStatus(_ model: ServerModel, _ request: String, _ status: Int) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                let client = try WireClient(port: server.port)
                try client.send(request)
                let response = try client.response()
                #expect(response.status == status)
                #expect(client.closesConnection())
            }
        }
        expectExitedZero(outcome)
    }

    @Test(arguments: webModels)
    func requestLineOver8KiB(model: ServerModel) async throws {
        try await expectStatus(
            model, "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: a\r\n\r\n", 414)
    }

    @Test(arguments: webModels)
    func headerBlockOver32KiB(model: ServerModel) async throws {
        let fields = (0..<40).map { "X-Field-\($0): \(String(repeating: "v", count: 1000))\r\n" }.joined()
        try await expectStatus(model, "GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n", 431)
    }

    @Test(arguments: webModels)
    func moreThan100Fields(model: ServerModel) async throws {
        let fields = (0..<101).map { "X-\($0): v\r\n" }.joined()
        try await expectStatus(model, "GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n", 431)
    }

    @Test(arguments: webModels)
    func bodyOverTheLimit(model: ServerModel) async throws {
        try await expectStatus(model, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\nabc", 413)
    }

    /// Slowloris: a head sent a byte at a time gets 408 at the header
    /// timeout and is closed, and (on the models that serve several clients
    /// at once) another client is served meanwhile.
    @Test(arguments: webModels)
    func slowHeadIsClosedAtTheHeaderTimeout(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root, ["--header-timeout", "2"]) { server in
            try await onOwnThread {
                let start = MonotonicInstant.now
                let slow = try WireClient(port: server.port)
                for byte in "GET / HTTP/1.1\r\nHost: a\r\n".utf8.prefix(4) {
                    try slow.send([byte])
                    usleep(100_000)
                }
                if model != .iterative {
                    // Answered while the slow head is still pending, and at once.
                    let asked = MonotonicInstant.now
                    let other = try WireClient(port: server.port)
                    try other.send(getRequest("/hello.txt"))
                    #expect(try other.response().body == WebFixture.hello, "another client waited for the slow one")
                    let took = MonotonicInstant.now - asked
                    // A loop held by the slow head would answer only after its 2 s.
                    #expect(took < .seconds(1), "another client waited \(took)")
                }
                let timedOut = try slow.response(seconds: 5)
                #expect(timedOut.status == 408)
                let waited = MonotonicInstant.now - start
                #expect(waited >= .milliseconds(1950) && waited < .seconds(5), "408 after \(waited)")
                #expect(slow.closesConnection())
            }
        }
        expectExitedZero(outcome)
    }

    /// A client that connects and sends nothing is closed at the header timeout too.
    @Test(arguments: webModels)
    func silentClientIsClosed(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root, ["--header-timeout", "1"]) { server in
            try await onOwnThread {
                let silent = try WireClient(port: server.port)
                #expect(try silent.response(seconds: 5).status == 408)
                #expect(silent.closesConnection())
            }
        }
        expectExitedZero(outcome)
    }

    /// An idle persistent connection closes after the keep-alive timeout;
    /// `--max-requests` closes it after that many responses.
    @Test(arguments: webModels)
    func keepAliveTimeoutAndMaxRequests(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let extra = ["--keepalive-timeout", "1", "--max-requests", "2"]
        let (_, outcome) = try await withWebServer(model, root: site.root, extra) { server in
            try await onOwnThread {
                let idle = try WireClient(port: server.port)
                // The server's idle clock starts when it has sent the response, after this
                // send and before this client has read it: a start taken after reading
                // would count the read's scheduling delay against the server.
                let start = MonotonicInstant.now
                try idle.send(getRequest("/hello.txt"))
                #expect(try idle.response().field("connection") == nil)
                #expect(idle.closesConnection(seconds: 5))
                let waited = MonotonicInstant.now - start
                #expect(waited >= .milliseconds(900) && waited < .seconds(5), "closed after \(waited)")

                let counted = try WireClient(port: server.port)
                try counted.send(getRequest("/hello.txt") + getRequest("/hello.txt"))
                #expect(try counted.response().field("connection") == nil)
                #expect(try counted.response().field("connection") == "close")
                #expect(counted.closesConnection())
            }
        }
        expectExitedZero(outcome)
    }
}
