import Foundation
import TestSupport
import XCTest

/// Several hosts in one run, as root: on loopback (127.0.0.1, 127.0.0.2
/// and ::1 together), and in a namespace of the test's own where one
/// address in the middle of the list never answers (iptables DROP).
final class SeveralHostsTests: XCTestCase {
    private let hosts = ["127.0.0.1", "127.0.0.2", "::1"]

    /// (host, icmp_seq) of every reply line, in output order.
    private func replies(_ output: String) -> [(String, Int)] {
        output.split(separator: "\n").compactMap { line in
            guard
                let match = line.wholeMatch(
                    of: /64 bytes from ([^:]+|[0-9a-f:]+): icmp_seq=([0-9]+) ttl=64 time=[0-9.]+ ms/)
            else { return nil }
            return (String(match.output.1), Int(match.output.2)!)
        }
    }

    /// fping's per-host line: host, transmitted, received, loss, and
    /// whether min/avg/max followed.
    private func fpingLines(_ output: String) -> [String: (Int, Int, Int, Bool)] {
        var found: [String: (Int, Int, Int, Bool)] = [:]
        for line in output.split(separator: "\n") {
            guard
                let match = line.wholeMatch(
                    of:
                        /(\S+) *: xmt\/rcv\/%loss = ([0-9]+)\/([0-9]+)\/([0-9]+)%(, min\/avg\/max = [0-9.]+\/[0-9.]+\/[0-9.]+)?/
                )
            else { continue }
            found[String(match.output.1)] = (
                Int(match.output.2)!, Int(match.output.3)!, Int(match.output.4)!,
                match.output.5 != nil
            )
        }
        return found
    }

    func testThreeAnsweringHostsOnLoopback() async throws {
        try requireRoot()
        let run = try await icmpping(["-c", "3", "-i", "0.2"] + hosts)
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let out = run.standardOutput
        XCTAssertTrue(
            out.hasPrefix(
                """
                PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
                PING 127.0.0.2 (127.0.0.2) 56(84) bytes of data.
                PING ::1(::1) 56 data bytes

                """), out)
        // Interleaved: every host's probe k before any host's probe k + 1
        // (the hosts' starts are 67 ms apart, replies take well under 1 ms).
        let expected = (1...3).flatMap { sequence in hosts.map { ($0, sequence) } }
        XCTAssertEqual(replies(out).map { "\($0.0)#\($0.1)" }, expected.map { "\($0.0)#\($0.1)" }, out)
        for host in hosts {
            XCTAssertTrue(
                out.contains("--- \(host) ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss"),
                out)
        }
        let lines = fpingLines(run.standardError)
        XCTAssertEqual(lines.count, 3, run.standardError)
        for host in hosts {
            let line = try XCTUnwrap(lines[host], run.standardError)
            XCTAssertTrue(line == (3, 3, 0, true), "\(host): \(line)")
        }
        XCTAssertTrue(
            run.standardError.hasPrefix("\n127.0.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = "),
            run.standardError)
    }

    /// The per-host lines have fping's own layout: the same lines as fping
    /// 5.1 prints for the same hosts once the times are masked.
    func testPerHostLinesAreFpings() async throws {
        try requireRoot()
        try requireProgram("/usr/bin/fping")
        let arguments = hosts + ["localhost"]
        let ours = try await icmpping(["-q", "-c", "2", "-i", "0.1"] + arguments)
        let theirs = try await runCommand("/usr/bin/fping", ["-q", "-c", "2", "-p", "100"] + arguments)
        XCTAssertEqual(ours.exitCode, theirs.exitCode)
        let mask = { (text: String) in text.replacing(/[0-9]+\.[0-9]+/, with: "T") }
        XCTAssertEqual(
            mask(ours.standardError), mask(theirs.standardError),
            "icmpping:\n\(ours.standardError)\nfping:\n\(theirs.standardError)")
    }

    func testASilentHostInTheMiddle() async throws {
        let namespace = try await NetworkNamespace("several")
        do {
            try await namespace.shell("iptables -A INPUT -d 127.0.0.3 -p icmp -j DROP")
            let list = ["127.0.0.1", "127.0.0.3", "::1"]
            let run = try await icmpping(["-c", "3", "-i", "0.2", "-W", "1"] + list, namespace: namespace.name)
            XCTAssertEqual(run.exitCode, 1, run.standardError)
            XCTAssertTrue(
                run.standardOutput.contains(
                    "--- 127.0.0.3 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss"),
                run.standardOutput)
            for host in ["127.0.0.1", "::1"] {
                XCTAssertTrue(
                    run.standardOutput.contains(
                        "--- \(host) ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss"),
                    run.standardOutput)
            }
            XCTAssertFalse(replies(run.standardOutput).contains { $0.0 == "127.0.0.3" }, run.standardOutput)
            let lines = fpingLines(run.standardError)
            XCTAssertTrue(lines["127.0.0.1"].map { $0 == (3, 3, 0, true) } ?? false, run.standardError)
            XCTAssertTrue(lines["127.0.0.3"].map { $0 == (3, 0, 100, false) } ?? false, run.standardError)
            XCTAssertTrue(lines["::1"].map { $0 == (3, 3, 0, true) } ?? false, run.standardError)

            // The same run as JSON: every line parses, the figures agree.
            let json = try await icmpping(
                ["--json", "-c", "3", "-i", "0.2", "-W", "1"] + list, namespace: namespace.name)
            XCTAssertEqual(json.exitCode, 1, json.standardError)
            XCTAssertEqual(json.standardError, "")
            let objects = try jsonLines(json.standardOutput)
            XCTAssertEqual(
                objects.filter { $0["type"] as? String == "start" }.compactMap { $0["host"] as? String }, list)
            let replyHosts = objects.filter { $0["type"] as? String == "reply" }.compactMap { $0["host"] as? String }
            XCTAssertEqual(replyHosts.filter { $0 == "127.0.0.1" }.count, 3)
            XCTAssertEqual(replyHosts.filter { $0 == "::1" }.count, 3)
            XCTAssertFalse(replyHosts.contains("127.0.0.3"))
            let summaries = objects.filter { $0["type"] as? String == "summary" }
            XCTAssertEqual(summaries.compactMap { $0["host"] as? String }, list)
            XCTAssertEqual(summaries.compactMap { $0["received"] as? Int }, [3, 0, 3])
            XCTAssertEqual(summaries.compactMap { $0["loss_percent"] as? Double }, [0, 100, 0])
            XCTAssertEqual(summaries.compactMap { $0["exit_status"] as? Int }, [0, 1, 0])
            XCTAssertTrue(summaries[1]["rtt_avg_ms"] is NSNull)
            let end = try XCTUnwrap(objects.last)
            XCTAssertEqual(end["type"] as? String, "end")
            XCTAssertEqual(end["hosts"] as? Int, 3)
            XCTAssertEqual(end["hosts_answered"] as? Int, 2)
            XCTAssertEqual(end["exit_status"] as? Int, 1)

            // -w ends every host at the deadline.
            let started = ContinuousClock.now
            let deadline = try await icmpping(
                ["-q", "-w", "1", "-i", "0.2", "127.0.0.1", "127.0.0.3"],
                namespace: namespace.name)
            XCTAssertEqual(deadline.exitCode, 1, deadline.standardError)
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
            XCTAssertTrue(
                fpingLines(deadline.standardError)["127.0.0.3"].map { $0.1 == 0 && $0.2 == 100 } ?? false,
                deadline.standardError)
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }

    /// Ping sockets: one per host, the kernel's identifier each.
    func testDatagramSocketsOnePerHost() async throws {
        let namespace = try await NetworkNamespace("severaldgram")
        do {
            try await namespace.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"])
            let run = try await icmpping(["--dgram", "-c", "2", "-i", "0.2"] + hosts, namespace: namespace.name)
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            for host in hosts {
                XCTAssertTrue(
                    run.standardOutput.contains(
                        "--- \(host) ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss"),
                    run.standardOutput)
                XCTAssertEqual(
                    replies(run.standardOutput).filter { $0.0 == host }.map(\.1), [1, 2], run.standardOutput)
            }
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }
}
