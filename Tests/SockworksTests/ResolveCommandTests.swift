import Glibc
import Subprocess
import XCTest

/// Runs the built `sockworks resolve ...` against names the machine resolves
/// locally, with getent as the oracle, and `.invalid` names (RFC 6761: never exist).
final class ResolveCommandTests: XCTestCase {
    // MARK: - Answers

    func testHostname() async throws {
        var names = utsname()
        XCTAssertEqual(uname(&names), 0)
        let nodeName = withUnsafeBytes(of: &names.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        try await assertOutput(["hostname"], nodeName + "\n")
    }

    func testHostPrintsTheFirstIPv4Address() async throws {
        let answers = try await getent("ahostsv4", "localhost")
        let first = try XCTUnwrap(answers.first?.first)
        try await assertOutput(["host", "localhost"], first + "\n")
        try await assertOutput(["host", "127.0.0.1"], "127.0.0.1\n")
    }

    func testHostExPrintsLabelledLines() async throws {
        let answers = try await getent("ahostsv4", "localhost")
        let canonical = try XCTUnwrap(answers.first?.dropFirst(2).first)
        var addresses: [String] = []
        for answer in answers where !addresses.contains(answer[0]) { addresses.append(answer[0]) }
        let run = try await runSockworks(["resolve", "host-ex", "localhost"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let lines = run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4, run.standardOutput)  // three lines and the final newline
        XCTAssertEqual(lines.first, "name: \(canonical)")
        XCTAssertTrue(lines[1] == "aliases:" || lines[1].hasPrefix("aliases: "), String(lines[1]))
        XCTAssertEqual(Set(lines[2].split(separator: " ").dropFirst().map(String.init)), Set(addresses))
        XCTAssertTrue(lines[2].hasPrefix("addresses: "))
    }

    func testAddrOfLoopbackMatchesGetentHosts() async throws {
        let hosts = try await getent("hosts", "127.0.0.1")
        let line = try XCTUnwrap(hosts.first)
        let aliases = (["aliases:"] + line.dropFirst(2)).joined(separator: " ")
        try await assertOutput(["addr", "127.0.0.1"], "name: \(line[1])\n\(aliases)\naddresses: 127.0.0.1\n")
    }

    func testServicePortAndProtocol() async throws {
        try await assertOutput(["service", "http", "--proto", "tcp"], "80\n")
        try await assertOutput(["service", "domain", "--proto", "udp"], "53\n")
        try await assertOutput(["port", "80", "--proto", "tcp"], "http\n")
        try await assertOutput(["port", "53", "--proto=udp"], "domain\n")
        try await assertOutput(["protocol", "tcp"], "6\n")
        try await assertOutput(["protocol", "udp"], "17\n")
        // Without --proto, the first entry of any protocol, as getent finds it.
        let services = try await getent("services", "http")
        let http = try XCTUnwrap(services.first)
        try await assertOutput(["service", "http"], "\(http[1].prefix { $0 != "/" })\n")
    }

    func testFQDNOfAnUnknownNameIsTheNameItself() async throws {
        // Python's getfqdn returns the name when it cannot be looked up.
        try await assertOutput(["fqdn", "no-such-host.invalid"], "no-such-host.invalid\n")
        let run = try await runSockworks(["resolve", "fqdn"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertFalse(run.standardOutput.dropLast().contains("\n"), run.standardOutput)
    }

    func testByteOrder() async throws {
        guard UInt16(1).littleEndian == 1 else { throw XCTSkip("the vectors are for a little-endian host") }
        try await assertOutput(
            ["byteorder", "0x1234"],
            """
            value: 0x1234 4660
            host-byte-order: little-endian
            htons: 0x3412 13330
            ntohs: 0x3412 13330
            htonl: 0x34120000 873594880
            ntohl: 0x34120000 873594880

            """)
        // Wider than 16 bits: no htons/ntohs lines.
        try await assertOutput(
            ["byteorder", "305419896"],
            """
            value: 0x12345678 305419896
            host-byte-order: little-endian
            htonl: 0x78563412 2018915346
            ntohl: 0x78563412 2018915346

            """)
    }

    // MARK: - Failures: one line on stderr, exit 2

    func testUnknownNamesExit2WithOneLine() async throws {
        let host = try await assertFails(["host", "no-such-host.invalid"])
        XCTAssertTrue(host.hasPrefix("sockworks: host \"no-such-host.invalid\": "), host)
        let hostEx = try await assertFails(["host-ex", "no-such-host.invalid"])
        XCTAssertTrue(hostEx.hasPrefix("sockworks: host-ex \"no-such-host.invalid\": "), hostEx)
        let service = try await assertFails(["service", "no-such-service", "--proto", "udp"])
        XCTAssertEqual(service, "sockworks: service \"no-such-service/udp\": service not found")
        let proto = try await assertFails(["protocol", "no-such-protocol"])
        XCTAssertEqual(proto, "sockworks: protocol \"no-such-protocol\": protocol not found")
    }

    func testBadArgumentsExit2WithOneLine() async throws {
        let address = try await assertFails(["addr", "1.2.3"])
        XCTAssertEqual(
            address, "sockworks: \"1.2.3\" is not an IPv4 or IPv6 address (see 'sockworks resolve addr --help')")
        let port = try await assertFails(["port", "70000"])
        XCTAssertTrue(port.contains("0 to 65535"), port)
        let proto = try await assertFails(["service", "http", "--proto", "sctp"])
        XCTAssertTrue(proto.contains("'sctp'") && proto.contains("'tcp' and 'udp'"), proto)
        let value = try await assertFails(["byteorder", "0x100000000"])
        XCTAssertTrue(value.contains("0 to 0xffffffff"), value)
        let missing = try await assertFails(["host"])
        XCTAssertEqual(missing, "sockworks: Missing expected argument '<name>' (see 'sockworks resolve host --help')")
        let unknown = try await assertFails(["frob"])
        XCTAssertEqual(unknown, "sockworks: Unexpected argument 'frob' (see 'sockworks resolve --help')")
        let option = try await assertFails(["protocol", "tcp", "--bogus"])
        XCTAssertTrue(option.contains("'--bogus'"), option)
    }

    // MARK: - Help

    func testEverySubcommandHasHelp() async throws {
        let subcommands = ["hostname", "fqdn", "host", "host-ex", "addr", "service", "port", "protocol", "byteorder"]
        let group = try await runSockworks(["resolve", "--help"])
        XCTAssertEqual(group.exitCode, 0)
        for name in subcommands {
            XCTAssertTrue(group.standardOutput.contains("\n  \(name) "), "resolve --help lacks \(name)")
            let help = try await runSockworks(["resolve", name, "--help"])
            XCTAssertEqual(help.exitCode, 0, help.standardError)
            XCTAssertTrue(help.standardOutput.hasPrefix("OVERVIEW: "), help.standardOutput)
            XCTAssertTrue(help.standardOutput.contains("USAGE: sockworks resolve \(name)"), help.standardOutput)
        }
    }

    // MARK: - Helpers

    private func assertOutput(
        _ arguments: [String], _ expected: String,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let run = try await runSockworks(["resolve"] + arguments)
        XCTAssertEqual(run.exitCode, 0, run.standardError, file: file, line: line)
        XCTAssertEqual(run.standardOutput, expected, file: file, line: line)
        XCTAssertEqual(run.standardError, "", file: file, line: line)
    }

    /// Asserts `sockworks resolve ARGUMENTS` exits 2 with nothing on stdout and
    /// exactly one line on stderr; returns that line.
    private func assertFails(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line)
        async throws -> String
    {
        let run = try await runSockworks(["resolve"] + arguments)
        XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.standardError)", file: file, line: line)
        XCTAssertEqual(run.standardOutput, "", file: file, line: line)
        XCTAssertTrue(run.standardError.hasSuffix("\n"), run.standardError, file: file, line: line)
        let lines = run.standardError.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.standardError, file: file, line: line)
        return String(lines.first ?? "")
    }

    /// `getent DATABASE KEY`, split into whitespace-separated fields per line;
    /// getent follows nsswitch.conf as the C library does.
    private func getent(_ database: String, _ key: String) async throws -> [[String]] {
        let result = try await Subprocess.run(
            .name("getent"), arguments: [database, key],
            output: .string(limit: 1 << 20), error: .discarded)
        guard case .exited(0) = result.terminationStatus else {
            throw XCTSkip("getent \(database) \(key): \(result.terminationStatus)")
        }
        return result.standardOutput.split(separator: "\n")
            .map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }
}
