import TestSupport
import XCTest

/// icmpping and iputils ping side by side on loopback, as root: the same
/// lines once round-trip figures and durations are masked.
final class LoopbackComparisonTests: XCTestCase {
    private func assertSameAsIputils(
        _ arguments: [String], namespace: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        try requireRoot()
        let ours = try await icmpping(arguments, namespace: namespace)
        let theirs = try await iputilsPing(arguments, namespace: namespace)
        XCTAssertEqual(ours.exitCode, theirs.exitCode, "exit status of \(arguments)", file: file, line: line)
        XCTAssertEqual(
            masked(ours.standardOutput), masked(theirs.standardOutput),
            "\(arguments)\nicmpping:\n\(ours.standardOutput)\(ours.standardError)\nping:\n\(theirs.standardOutput)",
            file: file, line: line)
    }

    func testPlainRun() async throws {
        try await assertSameAsIputils(["-c", "3", "-i", "0.2", "127.0.0.1"])
    }

    func testNamesAreLookedUpForANameTarget() async throws {
        try await assertSameAsIputils(["-c", "2", "-i", "0.2", "localhost"])
        try await assertSameAsIputils(["-c", "2", "-i", "0.2", "-n", "localhost"])
    }

    func testIPv6() async throws {
        try await assertSameAsIputils(["-6", "-c", "2", "-i", "0.2", "::1"])
    }

    func testSmallPayloadHasNoTimes() async throws {
        try await assertSameAsIputils(["-c", "2", "-i", "0.2", "-s", "8", "127.0.0.1"])
        try await assertSameAsIputils(["-c", "1", "-s", "0", "127.0.0.1"])
    }

    func testQuietPatternTTLAndTimestamps() async throws {
        try await assertSameAsIputils(["-c", "2", "-i", "0.2", "-q", "127.0.0.1"])
        try await assertSameAsIputils(["-c", "2", "-i", "0.2", "-p", "ab12", "-t", "9", "127.0.0.1"])
        try await assertSameAsIputils(["-c", "2", "-i", "0.2", "-D", "-s", "100", "127.0.0.1"])
    }

    func testInterface() async throws {
        try await assertSameAsIputils(["-c", "2", "-i", "0.2", "-I", "lo", "127.0.0.1"])
    }

    func testFlood() async throws {
        try await assertSameAsIputils(["-f", "-c", "50", "127.0.0.1"])
    }

    func testFloodCountsEveryProbe() async throws {
        try requireRoot()
        let run = try await icmpping(["-f", "-q", "-c", "2000", "127.0.0.1"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(
            run.standardOutput.contains("2000 packets transmitted, 2000 received, 0% packet loss"),
            run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("rtt p50/p90/p99/jitter = "), run.standardOutput)
    }
}
