import TestSupport
import XCTest

/// `sockworks get` against nginx.
final class GetCommandTests: XCTestCase {
    func testLargeFileByteForByteWithOutputFile() async throws {
        let large = randomBytes(8 << 20)
        try await GetNginx.serving(["/large.bin": large]) { nginx in
            let output = nginx.folder.file("out.bin")
            let run = try await runSockworks(["get", "-o", output, nginx.url("/large.bin")], timeout: .seconds(30))
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            XCTAssertTrue(run.standardOutputBytes.isEmpty)
            XCTAssertEqual(try readFile(output), large)
        }
    }

    func testBodyToStandardOutputInTheLabsForm() async throws {
        try await GetNginx.serving(["/index.html": Array("<p>hi</p>\n".utf8)]) { nginx in
            let run = try await runSockworks(["get", "127.0.0.1", String(nginx.port), "index.html"])
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            XCTAssertEqual(run.standardOutput, "<p>hi</p>\n")
        }
    }

    func testHeadShowsTheHeadOnly() async throws {
        try await GetNginx.serving(["/a.txt": Array("abc".utf8)]) { nginx in
            let run = try await runSockworks(["get", "-I", nginx.url("/a.txt")])
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            XCTAssertTrue(run.standardOutput.hasPrefix("HTTP/1.1 200 OK\r\n"), run.standardOutput)
            XCTAssertTrue(run.standardOutput.contains("Content-Length: 3\r\n"), run.standardOutput)
            XCTAssertTrue(run.standardOutput.hasSuffix("\r\n\r\n"), run.standardOutput)
            XCTAssertEqual(try nginx.loggedConnections().count, 1)
        }
    }

    func testNotFoundExitsOneWithTheStatusLine() async throws {
        try await GetNginx.serving([:]) { nginx in
            let run = try await runSockworks(["get", nginx.url("/missing")])
            XCTAssertEqual(run.exitCode, 1)
            XCTAssertEqual(run.standardError, "sockworks: \(nginx.url("/missing")): 404 Not Found\n")
        }
    }

    func testSeveralURLsShareOneConnection() async throws {
        let files = ["/1.txt": Array("one\n".utf8), "/2.txt": Array("two\n".utf8), "/3.txt": Array("three\n".utf8)]
        try await GetNginx.serving(files) { nginx in
            let run = try await runSockworks(
                ["get", "-v", nginx.url("/1.txt"), nginx.url("/2.txt"), nginx.url("/3.txt")])
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            XCTAssertEqual(run.standardOutput, "one\ntwo\nthree\n")
            XCTAssertTrue(run.standardError.contains("> GET /2.txt HTTP/1.1\n"), run.standardError)
            XCTAssertTrue(run.standardError.contains("< HTTP/1.1 200 OK\n"), run.standardError)
            let connections = try nginx.loggedConnections()
            XCTAssertEqual(connections.count, 3)
            XCTAssertEqual(Set(connections).count, 1, "\(connections)")
        }
    }

    func testRedirectIsFollowedWithLocation() async throws {
        try await GetNginx.serving(["/dir/index.html": Array("inside\n".utf8)]) { nginx in
            let plain = try await runSockworks(["get", nginx.url("/old")])
            XCTAssertEqual(plain.exitCode, 0, plain.standardError)
            XCTAssertTrue(plain.standardOutput.contains("301"), plain.standardOutput)
            let followed = try await runSockworks(["get", "-i", "-L", nginx.url("/old")])
            XCTAssertEqual(followed.exitCode, 0, followed.standardError)
            XCTAssertTrue(followed.standardOutput.hasPrefix("HTTP/1.1 301 Moved Permanently\r\n"))
            XCTAssertTrue(followed.standardOutput.contains("HTTP/1.1 200 OK\r\n"))
            XCTAssertTrue(followed.standardOutput.hasSuffix("\r\n\r\ninside\n"))
        }
    }

    func testBadArgumentsExitTwo() async throws {
        for arguments in [
            ["get"], ["get", "https://127.0.0.1/"], ["get", "http://x/a b"], ["get", "-H", "Bad Name: v", "http://x/"],
            ["get", "-H", "X: a\u{1}b", "http://x/"], ["get", "-X", "GE T", "http://x/"],
            ["get", "--timeout", "0", "http://x/"],
        ] {
            let run = try await runSockworks(arguments)
            XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.standardError)")
            XCTAssertTrue(run.standardError.hasPrefix("sockworks: "), run.standardError)
        }
        let https = try await runSockworks(["get", "https://127.0.0.1/"])
        XCTAssertTrue(https.standardError.contains("https is not supported yet"), https.standardError)
    }

    func testRefusedConnectionExitsOne() async throws {
        let port = try unusedTCPPort()
        let run = try await runSockworks(["get", "http://127.0.0.1:\(port)/"])
        XCTAssertEqual(run.exitCode, 1)
        XCTAssertTrue(run.standardError.contains("connection refused"), run.standardError)
    }
}
