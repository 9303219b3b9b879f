import Glibc
import Servers
import SystemPackage
import TestSupport
import Testing

/// `sockworks serve http` on every model: what a browser, curl and a lab's
/// client see.
@Suite struct HTTPBasicsConformance {
    /// A file, HEAD, 404, and the fields every response has.
    @Test(arguments: webModels)
    func servesFilesWithTheirFields(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                let client = try WireClient(port: server.port)
                try client.send(getRequest("/hello.txt"))
                let file = try client.response()
                #expect(file.status == 200)
                #expect(file.body == WebFixture.hello)
                #expect(file.field("content-type") == "text/plain; charset=utf-8")
                #expect(file.field("content-length") == "\(WebFixture.hello.count)")
                #expect(file.field("date")?.hasSuffix(" GMT") == true)
                #expect(file.field("server")?.hasPrefix("sockworks") == true)
                #expect(file.field("last-modified")?.hasSuffix(" GMT") == true)
                let etag = try #require(file.field("etag"))
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"))

                try client.send(getRequest("/hello.txt", method: "HEAD"))
                let head = try client.response(head: true)
                #expect(head.status == 200 && head.body.isEmpty)
                #expect(head.field("content-length") == "\(WebFixture.hello.count)")

                try client.send(getRequest("/no-such-file"))
                let missing = try client.response()
                #expect(missing.status == 404)
                #expect(missing.field("content-type")?.hasPrefix("text/html") == true)

                try client.send(getRequest("/"))
                #expect(try client.response().text.contains("<p>home</p>"))
                try client.send(getRequest("/style.CSS"))
                #expect(try client.response().field("content-type")?.hasPrefix("text/css") == true)
            }
        }
        expectExitedZero(outcome)
    }

    /// 304 from If-None-Match and If-Modified-Since, 206 for a range, 416
    /// for one past the end, 301 for a folder without its slash.
    @Test(arguments: webModels)
    func conditionalRangesAndRedirects(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                let client = try WireClient(port: server.port)
                try client.send(getRequest("/1k.bin"))
                let full = try client.response()
                let etag = try #require(full.field("etag"))
                let modified = try #require(full.field("last-modified"))

                try client.send(getRequest("/1k.bin", ["If-None-Match: \(etag)"]))
                let notModified = try client.response()
                #expect(notModified.status == 304 && notModified.body.isEmpty)
                #expect(notModified.field("etag") == etag)
                try client.send(getRequest("/1k.bin", ["If-Modified-Since: \(modified)"]))
                #expect(try client.response().status == 304)
                try client.send(getRequest("/1k.bin", ["If-None-Match: \"other\""]))
                #expect(try client.response().status == 200)

                try client.send(getRequest("/1k.bin", ["Range: bytes=100-199"]))
                let part = try client.response()
                #expect(part.status == 206)
                #expect(part.field("content-range") == "bytes 100-199/1024")
                #expect(part.body == Array(WebFixture.kilobyte[100..<200]))
                try client.send(getRequest("/1k.bin", ["Range: bytes=-24"]))
                #expect(try client.response().body == Array(WebFixture.kilobyte[1000...]))
                try client.send(getRequest("/1k.bin", ["Range: bytes=5000-"]))
                let unsatisfiable = try client.response()
                #expect(unsatisfiable.status == 416)
                #expect(unsatisfiable.field("content-range") == "bytes */1024")

                try client.send(getRequest("/sub?x=1"))
                let moved = try client.response()
                #expect(moved.status == 301)
                #expect(moved.field("location") == "/sub/?x=1")
            }
        }
        expectExitedZero(outcome)
    }

    /// 405 with Allow, 501 for an unknown method, 505 for HTTP/2.0 in a
    /// request line, 400 without Host on HTTP/1.1.
    @Test(arguments: webModels)
    func methodsAndVersionsItDoesNotServe(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                let client = try WireClient(port: server.port)
                try client.send(getRequest("/hello.txt", method: "DELETE"))
                let notAllowed = try client.response()
                #expect(notAllowed.status == 405)
                #expect(notAllowed.field("allow") == "GET, HEAD")
                try client.send(getRequest("/hello.txt", method: "BREW"))
                #expect(try client.response().status == 501)

                for (request, status) in [
                    ("GET / HTTP/2.0\r\nHost: localhost\r\n\r\n", 505),
                    ("GET / HTTP/1.1\r\n\r\n", 400),
                ] {
                    let other = try WireClient(port: server.port)
                    try other.send(request)
                    #expect(try other.response().status == status, "\(request.debugDescription)")
                    #expect(other.closesConnection(), "the connection stays open after \(status)")
                }
            }
        }
        expectExitedZero(outcome)
    }

    /// Persistent connections: HTTP/1.1 by default, HTTP/1.0 with
    /// keep-alive, closed with `Connection: close` or a 1.0 request without
    /// it; three pipelined requests answered in order.
    @Test(arguments: webModels)
    func persistentAndPipelinedConnections(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                let pipelined = try WireClient(port: server.port)
                try pipelined.send(getRequest("/hello.txt") + getRequest("/1k.bin") + getRequest("/missing"))
                #expect(try pipelined.response().body == WebFixture.hello)
                #expect(try pipelined.response().body == WebFixture.kilobyte)
                #expect(try pipelined.response().status == 404)
                try pipelined.send(getRequest("/hello.txt", ["Connection: close"]))
                let last = try pipelined.response()
                #expect(last.field("connection") == "close")
                #expect(pipelined.closesConnection())

                let old = try WireClient(port: server.port)
                try old.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try old.response().field("connection") == "keep-alive")
                try old.send("GET /hello.txt HTTP/1.0\r\n\r\n")
                #expect(try old.response().body == WebFixture.hello)
                #expect(old.closesConnection())
            }
        }
        expectExitedZero(outcome)
    }

    /// curl fetches several URLs over one connection, and Python's
    /// http.client does a keep-alive exchange.
    @Test(arguments: webModels)
    func realClientsGetWhatTheyAskFor(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            let base = "http://127.0.0.1:\(server.port)"
            let curl = try await runProgram(
                "/usr/bin/curl",
                ["-sS", "-v", "\(base)/hello.txt", "\(base)/1k.bin", "-o", "/dev/null", "-o", "/dev/null"],
                timeout: .seconds(10))
            #expect(curl.exitCode == 0, "\(curl.standardError)")
            #expect(
                curl.standardError.contains("Re-using existing connection")
                    || curl.standardError.contains("Reusing existing"),
                "curl opened a second connection: \(curl.standardError)")
            let script = """
                import http.client, sys
                c = http.client.HTTPConnection("127.0.0.1", \(server.port), timeout=5)
                for path in ["/hello.txt", "/1k.bin", "/hello.txt"]:
                    c.request("GET", path)
                    r = c.getresponse()
                    body = r.read()
                    print(r.status, len(body))
                """
            let python = try await runProgram("/usr/bin/python3", ["-c", script], timeout: .seconds(10))
            #expect(python.standardOutput == "200 13\n200 1024\n200 13\n", "\(python.standardError)")
        }
        expectExitedZero(outcome)
    }
}
