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
        XCTAssertEqual(rounds.exitCode, 2)
        XCTAssertEqual(rounds.standardError,
                       "sockworks: --rounds must be at least 1 (see 'sockworks bench checksum --help')\n")
        let size = try await runSockworks(["bench", "checksum", "--sizes", "12Q"])
        XCTAssertEqual(size.exitCode, 2)
        XCTAssertTrue(size.standardError.hasPrefix("sockworks: "), size.standardError)
        XCTAssertTrue(size.standardError.contains("12Q"), size.standardError)
        XCTAssertEqual(size.standardError.filter { $0 == "\n" }.count, 1, size.standardError)
        let cpu = try await runSockworks(["bench", "checksum", "--quick", "--cpu", "4096"])
        XCTAssertEqual(cpu.exitCode, 1)
        XCTAssertEqual(cpu.standardError, "sockworks: cannot pin to CPU 4096: Invalid argument\n")
    }

    func testHelpExitsZero() async throws {
        let run = try await runSockworks(["bench", "checksum", "--help"])
        XCTAssertEqual(run.exitCode, 0)
        XCTAssertTrue(run.standardOutput.contains("USAGE: sockworks bench checksum"), run.standardOutput)
    }

    func testVersionIsTheCoreVersion() async throws {
        let run = try await runSockworks(["--version"])
        XCTAssertEqual(run.exitCode, 0)
        XCTAssertEqual(run.standardOutput, "0.1.0\n")
    }
}
