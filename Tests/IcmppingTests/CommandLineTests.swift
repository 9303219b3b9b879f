import TestSupport
import XCTest

/// Bad input: one line on standard error and exit status 2.
final class CommandLineTests: XCTestCase {
    private func assertUsageError(
        _ arguments: [String], contains text: String,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
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
        try await assertUsageError([], contains: "Destination address required")
        try await assertUsageError(["-w", "-1", "127.0.0.1"], contains: "-w must be in")
    }

    /// getopt's words for what it cannot read, as iputils (glibc) prints them.
    func testMalformedCommandLines() async throws {
        try await assertUsageError(["-z", "127.0.0.1"], contains: "invalid option -- 'z'")
        try await assertUsageError(["127.0.0.1", "-c"], contains: "option requires an argument -- 'c'")
        try await assertUsageError(["--raw=yes", "127.0.0.1"], contains: "option '--raw' doesn't allow an argument")
        try await assertUsageError(["--bogus", "127.0.0.1"], contains: "unrecognized option '--bogus'")
        try await assertUsageError(["-qz", "127.0.0.1"], contains: "invalid option -- 'z'")
    }

    /// The forms iputils accepts: a value attached (`-c1`), flags grouped
    /// with a valued option last (`-qc 1`), options after the host, `--`.
    func testGetoptForms() async throws {
        try requireRoot()
        for arguments in [
            ["-c1", "-q", "127.0.0.1"], ["-qc", "1", "127.0.0.1"], ["127.0.0.1", "-c", "1", "-q"],
            ["-qnc1", "127.0.0.1"], ["-q", "-c", "1", "--", "127.0.0.1"],
        ] {
            let run = try await icmpping(arguments)
            XCTAssertEqual(run.exitCode, 0, "\(arguments): \(run.standardError)")
            XCTAssertTrue(
                run.standardOutput.contains("1 packets transmitted, 1 received"), "\(arguments): \(run.standardOutput)")
            XCTAssertFalse(run.standardOutput.contains("icmp_seq="), "-q: \(arguments)")
        }
    }

    func testWrongFamilyForTheAddress() async throws {
        try await assertUsageError(
            ["-6", "-c", "1", "127.0.0.1"], contains: "Address family for hostname not supported")
    }

    func testSeveralHosts() async throws {
        try await assertUsageError(
            ["-f", "-c", "1", "127.0.0.1", "::1"], contains: "-f pings one host only: 2 were given")
        // One host that does not resolve stops the run before any probe.
        try await assertUsageError(
            ["-c", "1", "127.0.0.1", "no-such-host.invalid", "::1"],
            contains: "no-such-host.invalid: ")
        try await assertUsageError(
            ["-4", "-c", "1", "127.0.0.1", "::1"], contains: "::1: Address family for hostname not supported")
        try await assertUsageError(
            ["-I", "127.0.0.1", "-c", "1", "127.0.0.1", "::1"], contains: "is not of the family of ::1")
    }

    func testHelpExitsZero() async throws {
        let run = try await icmpping(["--help"])
        XCTAssertEqual(run.exitCode, 0)
        XCTAssertTrue(run.standardOutput.hasPrefix("Usage: icmpping [options] HOST...\n"), run.standardOutput)
        for option in [
            "-c COUNT", "-i INTERVAL", "-W TIMEOUT", "-w DEADLINE", "-s SIZE", "-t TTL", "-q", "-D", "-n",
            "-I IFACE", "-p PATTERN", "-f", "-O", "-4", "-6", "--raw", "--dgram", "--json",
        ] {
            XCTAssertTrue(run.standardOutput.contains("  \(option) "), "\(option) in --help")
        }
        let short = try await icmpping(["-h"])
        XCTAssertEqual(short.standardOutput, run.standardOutput)
    }
}

/// libpcap (and the D-Bus, systemd and gcrypt libraries it needs) is loaded
/// only when a capture starts: a plain run maps none of them.
final class StartupTests: XCTestCase {
    func testLibpcapIsNotLinked() async throws {
        try requireProgram("/usr/bin/ldd")
        let run = try await runCommand("/usr/bin/ldd", [try icmppingExecutable()])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("libc.so"), run.standardOutput)
        for library in ["libpcap", "libdbus", "libsystemd", "libgcrypt"] {
            XCTAssertFalse(run.standardOutput.contains(library), "\(library) in\n\(run.standardOutput)")
        }
    }
}
