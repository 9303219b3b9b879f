import Foundation
import TestSupport
import XCTest

/// `sockworks bench ftp --quick`: both clients measured both ways, the
/// files they moved checked by the benchmark, nothing left behind.
final class BenchFTPTests: XCTestCase {
    private struct Document: Decodable {
        struct Record: Decodable {
            let client: String
            let direction: String
            let bytes: Int
            let mb_per_second: Double
            let cpu_seconds: Double
        }
        let benchmark: String
        let results: [Record]
    }

    func testAQuickRunMeasuresBothClientsBothWays() async throws {
        try requireProgram("/usr/sbin/vsftpd")
        try requireProgram("/usr/bin/curl")
        try requireRoot("vsftpd chroots its anonymous sessions")
        let scratch = try TemporaryFolder(prefix: "sockworks-bench-ftp-test")
        defer { scratch.remove() }
        let run = try await runSockworks(
            ["bench", "ftp", "--quick", "--json", "--scratch", scratch.path], timeout: .seconds(120))
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let document = try JSONDecoder().decode(Document.self, from: Data(run.standardOutputBytes))
        XCTAssertEqual(document.benchmark, "ftp")
        XCTAssertEqual(
            Set(document.results.map { "\($0.client) \($0.direction)" }),
            ["sockworks ftp download", "sockworks ftp upload", "curl download", "curl upload"])
        for record in document.results {
            XCTAssertEqual(record.bytes, 16 << 20)
            XCTAssertGreaterThan(record.mb_per_second, 0)
        }
        XCTAssertEqual(directoryEntries(scratch.path), [], "the run's folder is removed")
    }
}
