import Foundation
import Glibc
import TestSupport
import XCTest

/// `sockworks bench http --quick` against nginx: the suite starts it from a
/// configuration of its own, drives it with the HTTP load generator, and
/// writes its results.
final class BenchHTTPTests: XCTestCase {
    func testAQuickRunAgainstNginxWritesItsResults() async throws {
        try requireProgram("/usr/sbin/nginx")
        let sockworks = try builtExecutable("sockworks")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let out = folder.file("bench")
        let run = try await runProgram(
            sockworks, ["bench", "http", "--quick", "--servers", "nginx", "--out", out, "--cpus", "0,1"],
            timeout: .seconds(60))
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let json = String(decoding: try readFile(out + "/results.json"), as: UTF8.self)
        XCTAssertTrue(json.contains("\"benchmark\" : \"http\""), json)
        XCTAssertTrue(json.contains("\"server\" : \"nginx\""), json)
        XCTAssertEqual(json.components(separatedBy: "\"connection_per_request\" : false").count - 1, 2, "two runs")
        let errorCounts = json.split(separator: "\n").filter { $0.contains("\"errors\" :") }
        XCTAssertEqual(errorCounts.count, 2)
        for line in errorCounts { XCTAssertTrue(line.hasSuffix(": 0,"), "every response checked and right: \(line)") }
        XCTAssertTrue(run.standardOutput.contains("keep-alive 1 KiB x128"), run.standardOutput)
        XCTAssertTrue(fileExists(out + "/nginx/nginx.conf"))
    }

    /// `sockworks bench http --cgi --quick` with the epoll model and
    /// lighttpd's mod_cgi: one short run each of the C script at 16
    /// connections, every response checked (no error, the 13-byte body in
    /// each), nginx skipped for having no CGI, the goals against lighttpd
    /// printed. The epoll half needs `serve http --cgi-bin`.
    func testAQuickCGIRunOfEpollAndLighttpd() async throws {
        try requireProgram("/usr/sbin/lighttpd")
        try requireProgram("/usr/bin/cc")
        let sockworks = try builtExecutable("sockworks")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let out = folder.file("bench")
        let run = try await runProgram(
            sockworks,
            [
                "bench", "http", "--cgi", "--quick", "--servers", "epoll", "nginx", "lighttpd", "--out", out, "--cpus",
                "0,1",
            ],
            timeout: .seconds(60))
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(run.standardError.contains("skipped nginx: nginx has no CGI"), run.standardError)
        let conf = String(decoding: try readFile(out + "/lighttpd.conf"), as: UTF8.self)
        XCTAssertTrue(conf.contains("\"mod_cgi\""), conf)
        XCTAssertTrue(fileExists(out + "/cgi-bin/hello"), "the C script compiled into the run's folder")

        let document = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(try readFile(out + "/results.json"))) as? [String: Any])
        XCTAssertEqual(document["benchmark"] as? String, "http-cgi")
        let runs = try XCTUnwrap(document["runs"] as? [[String: Any]])
        var servers: [String] = []
        for run in runs {
            let measurement = try XCTUnwrap(run["measurement"] as? [String: Any])
            let workload = try XCTUnwrap(run["workload"] as? [String: Any])
            let server = try XCTUnwrap(measurement["server"] as? String)
            servers.append(server)
            XCTAssertEqual(workload["cgi"] as? String, "hello", server)
            XCTAssertEqual(workload["connections"] as? Int, 16, server)
            let requests = try XCTUnwrap(measurement["requests"] as? Int)
            let bodyBytes = try XCTUnwrap(run["body_bytes"] as? Int)
            XCTAssertGreaterThan(requests, 0, server)
            XCTAssertEqual(measurement["errors"] as? Int, 0, "every response checked and right: \(server)")
            XCTAssertEqual(measurement["unserved"] as? Int, 0, server)
            XCTAssertLessThanOrEqual(abs(bodyBytes - 13 * requests), 13 * 16, "13 bytes a response: \(server)")
            XCTAssertGreaterThan(try XCTUnwrap(measurement["server_cpu_seconds"] as? Double), 0, server)
        }
        XCTAssertEqual(Set(servers), ["lighttpd", "epoll"], run.standardError)

        let rows = run.standardOutput.split(separator: "\n").filter { $0.contains("cgi C x16") }
        XCTAssertEqual(rows.count, 2 + 2, "a row per server and two goal lines: \(run.standardOutput)")
        XCTAssertTrue(rows.contains { $0.hasPrefix("lighttpd (peer)") }, run.standardOutput)
        XCTAssertTrue(rows.contains { $0.hasPrefix("epoll ") }, run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("epoll / lighttpd requests/s, cgi C x16"), run.standardOutput)
    }
}
