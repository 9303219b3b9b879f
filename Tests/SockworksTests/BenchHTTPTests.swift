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
}
