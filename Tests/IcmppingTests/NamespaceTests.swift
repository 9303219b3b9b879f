import Glibc
import XCTest

/// Runs in network namespaces the tests create and remove: ICMP errors
/// from iptables REJECT, loss from DROP, the unprivileged ping socket.
final class NamespaceTests: XCTestCase {
    private func withNamespace(_ purpose: String, _ body: (NetworkNamespace) async throws -> Void) async throws {
        let namespace = try await NetworkNamespace(purpose)
        do {
            try await body(namespace)
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }

    private func assertSameAsIputils(
        _ arguments: [String], _ namespace: NetworkNamespace, ours extra: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let ours = try await icmpping(extra + arguments, namespace: namespace.name)
        let theirs = try await iputilsPing(arguments, namespace: namespace.name)
        XCTAssertEqual(ours.exitCode, theirs.exitCode, "exit status of \(extra + arguments)", file: file, line: line)
        XCTAssertEqual(
            masked(ours.standardOutput), masked(theirs.standardOutput),
            "\(extra + arguments)\nicmpping:\n\(ours.standardOutput)\(ours.standardError)\nping:\n\(theirs.standardOutput)",
            file: file, line: line)
    }

    func testRejectGivesIputilsWordsOnRawAndDatagramSockets() async throws {
        try await withNamespace("reject") { ns in
            try await ns.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"])
            try await ns.shell(
                "iptables -A INPUT -p icmp --icmp-type echo-request -j REJECT --reject-with icmp-host-prohibited")
            try await ns.shell(
                "ip6tables -A INPUT -p icmpv6 --icmpv6-type echo-request -j REJECT --reject-with icmp6-adm-prohibited")
            for kind in ["--raw", "--dgram"] {
                try await assertSameAsIputils(["-c", "2", "-i", "0.2", "127.0.0.1"], ns, ours: [kind])
                try await assertSameAsIputils(["-6", "-c", "2", "-i", "0.2", "::1"], ns, ours: [kind])
                // With -w, the first error ends the run (iputils).
                try await assertSameAsIputils(["-c", "3", "-i", "0.2", "-w", "5", "127.0.0.1"], ns, ours: [kind])
            }
            let run = try await icmpping(["-c", "1", "127.0.0.1"], namespace: ns.name)
            XCTAssertTrue(run.standardOutput.contains("From 127.0.0.1 icmp_seq=1 Destination Host Prohibited\n"))
        }
    }

    func testRejectVariantsWords() async throws {
        try await withNamespace("words") { ns in
            let cases = [
                ("icmp-net-unreachable", "Destination Net Unreachable"),
                ("icmp-host-unreachable", "Destination Host Unreachable"),
                ("icmp-port-unreachable", "Destination Port Unreachable"),
                ("icmp-admin-prohibited", "Packet filtered"),
            ]
            for (reject, words) in cases {
                try await ns.shell("iptables -F INPUT")
                try await ns.shell(
                    "iptables -A INPUT -p icmp --icmp-type echo-request -j REJECT --reject-with \(reject)")
                let run = try await icmpping(["--raw", "-c", "1", "127.0.0.1"], namespace: ns.name)
                XCTAssertEqual(run.exitCode, 1)
                XCTAssertTrue(run.standardOutput.contains("From 127.0.0.1 icmp_seq=1 \(words)\n"), run.standardOutput)
                XCTAssertTrue(
                    run.standardOutput.contains("1 packets transmitted, 0 received, +1 errors, 100% packet loss"),
                    run.standardOutput)
            }
        }
    }

    func testNoReplyExitsOneAfterTheLingerTime() async throws {
        try await withNamespace("drop") { ns in
            try await ns.shell("iptables -A INPUT -p icmp -j DROP")
            try await assertSameAsIputils(["-c", "1", "-W", "1", "127.0.0.1"], ns)
            let started = ContinuousClock.now
            let run = try await icmpping(["-w", "1", "127.0.0.1"], namespace: ns.name)
            XCTAssertEqual(run.exitCode, 1)
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        }
    }

    func testRandomDropGivesTheLossTheFirewallCounted() async throws {
        try await withNamespace("loss") { ns in
            try await ns.shell(
                "iptables -A INPUT -p icmp --icmp-type echo-request -m statistic --mode random --probability 0.3 -j DROP"
            )
            let run = try await icmpping(
                ["-q", "-c", "200", "-i", "0.005", "-W", "1", "127.0.0.1"], namespace: ns.name)
            let counters = try await ns.output("iptables -L INPUT -v -x -n")
            // The DROP rule's line starts with its packet count.
            let dropped = try XCTUnwrap(
                counters.split(separator: "\n").first { $0.contains("DROP") }
                    .flatMap { $0.split(separator: " ").first }.flatMap { Int($0) })
            XCTAssertGreaterThan(dropped, 0)
            let loss = NumberTextOracle.loss(Double(dropped) * 100 / 200)
            XCTAssertTrue(
                run.standardOutput.contains("200 packets transmitted, \(200 - dropped) received, \(loss)% packet loss"),
                "\(dropped) dropped:\n\(run.standardOutput)")
            XCTAssertEqual(run.exitCode, 0)
        }
    }

    func testDatagramSocketWhenThePingGroupRangeAllowsIt() async throws {
        try await withNamespace("dgram") { ns in
            try await ns.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"])
            try await assertSameAsIputils(["-c", "2", "-i", "0.2", "127.0.0.1"], ns, ours: ["--dgram"])
            try await assertSameAsIputils(["-6", "-c", "2", "-i", "0.2", "::1"], ns, ours: ["--dgram"])
            try await ns.run(["sysctl", "-qw", "net.ipv4.ping_group_range=1 0"])
            let refused = try await icmpping(["--dgram", "-c", "1", "127.0.0.1"], namespace: ns.name)
            XCTAssertEqual(refused.exitCode, 2)
            XCTAssertTrue(refused.standardError.contains("EACCES"), refused.standardError)
            XCTAssertTrue(refused.standardError.contains("ping_group_range"), refused.standardError)
            // Automatic: the datagram socket is refused, the raw one works.
            let fallback = try await icmpping(["-c", "1", "127.0.0.1"], namespace: ns.name)
            XCTAssertEqual(fallback.exitCode, 0, fallback.standardError)
        }
    }
}

/// The loss as iputils words it (`%g` of a float), computed here apart
/// from the code under test.
enum NumberTextOracle {
    static func loss(_ percent: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([Double(Float(percent))]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
        return String(cString: buffer)
    }
}
