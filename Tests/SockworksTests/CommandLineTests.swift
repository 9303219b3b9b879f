import Foundation
import XCTest

/// Runs the built `sockworks` executable, as a user would.
final class CommandLineTests: XCTestCase {
    struct Run {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    func sockworks(_ arguments: [String]) throws -> Run {
        // The test bundle sits in the products folder beside the executable.
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("sockworks") }
        let executable = try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                                       "sockworks not built beside \(products.path)")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   standardOutput: String(decoding: outData, as: UTF8.self),
                   standardError: String(decoding: errData, as: UTF8.self))
    }

    func testChecksumBenchmarkQuickTable() throws {
        let run = try sockworks(["bench", "checksum", "--quick", "--sizes", "64", "1500"])
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("read limit"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("textbook RFC 1071"))
        XCTAssertTrue(run.standardOutput.contains("dispatched / read limit"))
        XCTAssertTrue(run.standardOutput.contains("goals:"))
        XCTAssertTrue(run.standardError.contains("checksum: 64 B"))
    }

    func testChecksumBenchmarkCSV() throws {
        let run = try sockworks(["bench", "checksum", "--quick", "--sizes", "2K", "--format", "csv"])
        XCTAssertEqual(run.status, 0, run.standardError)
        let lines = run.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.first, "kernel,size,gb_per_s,ns_per_call")
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains(",2048,") }, run.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("textbook,") })
    }

    func testBadOptionsAreRejectedClearly() throws {
        let rounds = try sockworks(["bench", "checksum", "--rounds", "0"])
        XCTAssertNotEqual(rounds.status, 0)
        XCTAssertTrue(rounds.standardError.contains("--rounds must be at least 1"), rounds.standardError)
        let size = try sockworks(["bench", "checksum", "--sizes", "12Q"])
        XCTAssertNotEqual(size.status, 0)
        XCTAssertTrue(size.standardError.contains("12Q"), size.standardError)
    }

    func testVersionIsTheCoreVersion() throws {
        let run = try sockworks(["--version"])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
    }
}
