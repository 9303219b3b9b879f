import Glibc
import SystemPackage
import TestSupport
import XCTest

/// The pinger and its server in a network namespace of the test's own,
/// with loss made by the firewall: the client's loss is what iptables
/// counted it dropped.
final class UDPPingNamespaceTests: XCTestCase {
    func testFirewallLossIsTheLossReported() async throws {
        try requireRoot()
        for program in ["/usr/sbin/ip", "/usr/sbin/iptables"] { try requireProgram(program) }
        let name = "sockworks-udpping-\(getpid())"
        _ = try? await runProgram("/usr/sbin/ip", ["netns", "del", name])
        let made = try await runProgram("/usr/sbin/ip", ["netns", "add", name])
        XCTAssertEqual(made.exitCode, 0, made.standardError)
        defer { _ = Glibc.system("/usr/sbin/ip netns del \(name) 2>/dev/null") }
        let inside = ["/usr/sbin/ip", "netns", "exec", name]
        func run(_ words: [String]) async throws -> ProcessRun {
            try await runProgram(FilePath(words[0]), Array(words.dropFirst()), launcher: inside, timeout: .seconds(60))
        }
        _ = try await run(["/usr/sbin/ip", "link", "set", "lo", "up"])

        let (_, outcome) = try await withLabServer("udpping", ["--loss", "0"], launcher: inside) { _, port in
            // Probes to the server only: the replies go to the client's port.
            let rule = try await run([
                "/usr/sbin/iptables", "-A", "INPUT", "-p", "udp", "--dport", "\(port)", "-m", "statistic",
                "--mode", "random", "--probability", "0.3", "-j", "DROP",
            ])
            XCTAssertEqual(rule.exitCode, 0, rule.standardError)
            let ping = try await run([
                try sockworksExecutable().string, "udpping", "-q", "-c", "300", "-i", "0.002", "-W", "0.5", "127.0.0.1",
                "\(port)",
            ])
            let counters = try await run(["/usr/sbin/iptables", "-L", "INPUT", "-v", "-x", "-n"]).standardOutput
            let dropped = try XCTUnwrap(
                counters.split(separator: "\n").first { $0.contains("DROP") }
                    .flatMap { $0.split(separator: " ").first }.flatMap { Int($0) }, counters)
            XCTAssertGreaterThan(dropped, 0)
            XCTAssertTrue(
                ping.standardOutput.contains("300 packets transmitted, \(300 - dropped) received,"),
                "iptables dropped \(dropped):\n\(ping.standardOutput)\(ping.standardError)")
            XCTAssertEqual(ping.exitCode, 0)
        }
        XCTAssertEqual(outcome.exitCode, 0)
    }
}
