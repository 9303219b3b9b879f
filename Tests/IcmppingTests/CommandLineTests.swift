import XCTest

/// Bad input: one line on standard error and exit status 2.
final class CommandLineTests: XCTestCase {
    private func assertUsageError(_ arguments: [String], contains text: String,
                                  file: StaticString = #filePath, line: UInt = #line) async throws {
        let run = try await icmpping(arguments)
        XCTAssertEqual(run.exitCode, 2, run.standardError, file: file, line: line)
        XCTAssertEqual(run.standardOutput, "", file: file, line: line)
        XCTAssertTrue(run.standardError.hasPrefix("icmpping: "), run.standardError, file: file, line: line)
        XCTAssertTrue(run.standardError.contains(text), run.standardError, file: file, line: line)
        XCTAssertEqual(run.standardError.filter { $0 == "\n" }.count, 1, run.standardError, file: file, line: line)
    }

    func testUnresolvableHost() async throws {
        try await assertUsageError(["-c", "1", "no-such-host.invalid"], contains: "no-such-host.invalid: ")
    }

    func testBadOptionValues() async throws {
        try await assertUsageError(["-c", "0", "127.0.0.1"], contains: "-c must be at least 1")
        try await assertUsageError(["-c", "x", "127.0.0.1"], contains: "x")
        try await assertUsageError(["-s", "70000", "127.0.0.1"], contains: "-s must be in 0...65507")
        try await assertUsageError(["-t", "0", "127.0.0.1"], contains: "-t must be in 1...255")
        try await assertUsageError(["-p", "xyz", "127.0.0.1"], contains: "patterns must be specified as hex digits")
        try await assertUsageError(["-i", "nan", "127.0.0.1"], contains: "bad timing interval")
        try await assertUsageError(["-4", "-6", "127.0.0.1"], contains: "only one -4 or -6")
        try await assertUsageError(["--raw", "--dgram", "127.0.0.1"], contains: "--raw or --dgram")
        try await assertUsageError([], contains: "host")
    }

    func testWrongFamilyForTheAddress() async throws {
        try await assertUsageError(["-6", "-c", "1", "127.0.0.1"], contains: "Address family for hostname not supported")
    }

    func testHelpExitsZero() async throws {
        let run = try await icmpping(["--help"])
        XCTAssertEqual(run.exitCode, 0)
        XCTAssertTrue(run.standardOutput.contains("USAGE: icmpping"), run.standardOutput)
    }
}
