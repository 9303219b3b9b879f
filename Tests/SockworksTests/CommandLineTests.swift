import XCTest

/// Runs the built `sockworks` executable, as a user would.
final class CommandLineTests: XCTestCase {
    func testChecksumBenchmarkQuickTable() async throws {
        let run = try await runSockworks(["bench", "checksum", "--quick", "--sizes", "64", "1500"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("read limit"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("textbook RFC 1071"))
        XCTAssertTrue(run.standardOutput.contains("dispatched / read limit"))
        XCTAssertTrue(run.standardOutput.contains("goals:"))
        XCTAssertTrue(run.standardError.contains("checksum: 64 B"))
    }

    func testChecksumBenchmarkCSV() async throws {
        let run = try await runSockworks(["bench", "checksum", "--quick", "--sizes", "2K", "--format", "csv"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let lines = run.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.first, "kernel,size,gb_per_s,ns_per_call")
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains(",2048,") }, run.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("textbook,") })
        XCTAssertTrue(run.standardError.isEmpty, "no progress lines in CSV mode: \(run.standardError)")
    }

    func testBadOptionsAreRejectedClearly() async throws {
        let rounds = try await runSockworks(["bench", "checksum", "--rounds", "0"])
        XCTAssertNotEqual(rounds.exitCode, 0)
        XCTAssertTrue(rounds.standardError.contains("--rounds must be at least 1"), rounds.standardError)
        let size = try await runSockworks(["bench", "checksum", "--sizes", "12Q"])
        XCTAssertNotEqual(size.exitCode, 0)
        XCTAssertTrue(size.standardError.contains("12Q"), size.standardError)
        let cpu = try await runSockworks(["bench", "checksum", "--quick", "--cpu", "4096"])
        XCTAssertEqual(cpu.exitCode, 1)
        XCTAssertTrue(cpu.standardError.contains("cannot pin to CPU 4096"), cpu.standardError)
    }

    func testVersionIsTheCoreVersion() async throws {
        let run = try await runSockworks(["--version"])
        XCTAssertEqual(run.exitCode, 0)
        XCTAssertEqual(run.standardOutput, "0.1.0\n")
    }
}
