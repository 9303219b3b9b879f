import Foundation
import Glibc
import Subprocess
import TestSupport
import XCTest

/// `sockworks udpping` against a UDP server of the test's own on loopback
/// (`UDPPingTestServer`): the lab's upper-casing server, and servers that
/// answer late, twice, or with what no probe carried.
final class UDPPingTests: XCTestCase {
    /// The `Reply from` lines' sequence numbers, in order.
    private func repliedSequences(_ output: String) -> [Int] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("Reply from 127.0.0.1: PING ") else { return nil }
            return Int(line.split(separator: " ")[4])
        }
    }

    private func lines(_ output: String, startingWith prefix: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    func testRepliesShowTheServersTextAndTheSummaryIsPings() async throws {
        let server = try UDPPingTestServer()
        defer { try? server.stop() }
        let run = try await runSockworks(["udpping", "-c", "3", "-i", "0.05", "127.0.0.1", String(server.port)])
        XCTAssertFalse(run.timedOut)
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertEqual(run.standardError, "")
        let output = run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(output.count, 11, run.standardOutput)
        guard output.count == 11 else { return }
        XCTAssertEqual(output[0], "UDPPING 127.0.0.1 (127.0.0.1) port \(server.port)")
        // Each probe is `Ping SEQ TIME`, and its reply line shows the
        // server's upper-cased text as received, then the round trip.
        let probes = server.datagrams.map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(probes.count, 3)
        for (index, probe) in probes.enumerated() {
            let words = probe.split(separator: " ")
            XCTAssertEqual(words.count, 3, probe)
            XCTAssertEqual(words.first, "Ping")
            XCTAssertEqual(words.dropFirst().first, Substring(String(index + 1)))
            XCTAssertNotNil(words.last?.wholeMatch(of: /[0-9]{10}\.[0-9]{6}/), probe)
            let reply = output[1 + index]
            XCTAssertTrue(reply.hasPrefix("Reply from 127.0.0.1: \(probe.uppercased()) time="), reply)
            XCTAssertNotNil(reply.wholeMatch(of: /.* time=[0-9.]+ ms/), reply)
        }
        XCTAssertEqual(output[4], "")
        XCTAssertEqual(output[5], "--- 127.0.0.1 udpping statistics ---")
        XCTAssertNotNil(
            output[6].wholeMatch(of: /3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms/), output[6])
        XCTAssertNotNil(
            output[7].wholeMatch(of: /rtt min\/avg\/max\/mdev = [0-9]+\.[0-9]{3}(\/[0-9]+\.[0-9]{3}){3} ms/),
            output[7])
        XCTAssertEqual(output[8], "0 late, 0 duplicates")
        XCTAssertNotNil(
            output[9].wholeMatch(of: /rtt p50\/p90\/p99 = [0-9]+\.[0-9]{3}(\/[0-9]+\.[0-9]{3}){2} ms/), output[9])
        XCTAssertEqual(output[10], "")
    }

    /// `-s` pads the probe with ASCII after its text; the padded reply is
    /// matched whole (an upper-casing server changes its letters).
    func testSizePadsTheProbe() async throws {
        let server = try UDPPingTestServer()
        defer { try? server.stop() }
        let run = try await runSockworks([
            "udpping", "-c", "2", "-i", "0", "-s", "100", "127.0.0.1", String(server.port),
        ])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertEqual(server.datagrams.map(\.count), [100, 100])
        XCTAssertTrue(server.datagrams.allSatisfy { $0.allSatisfy { (0x20...0x7E).contains($0) } })
        XCTAssertEqual(repliedSequences(run.standardOutput), [1, 2])
        XCTAssertTrue(run.standardOutput.contains("2 packets transmitted, 2 received, 0% packet loss"))
    }

    /// `-i 0` floods: each probe as soon as the previous one is answered,
    /// exactly `-c` of them.
    func testFloodIsBoundedByCount() async throws {
        let server = try UDPPingTestServer()
        defer { try? server.stop() }
        let started = ContinuousClock.now
        let run = try await runSockworks(["udpping", "-c", "300", "-i", "0", "-q", "127.0.0.1", String(server.port)])
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(8))
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(
            run.standardOutput.contains("300 packets transmitted, 300 received, 0% packet loss"), run.standardOutput)
        XCTAssertEqual(server.datagrams.count, 300)
        XCTAssertEqual(lines(run.standardOutput, startingWith: "Reply from"), [], "-q prints no line per probe")
    }

    /// Nothing listens: the connected socket's ECONNREFUSED (the ICMP port
    /// unreachable) is reported for each probe, and no reply means exit 1.
    func testClosedPortIsDestinationPortUnreachable() async throws {
        let port = try unusedUDPPort()
        let run = try await runSockworks(["udpping", "-c", "3", "-i", "0.1", "127.0.0.1", String(port)])
        XCTAssertFalse(run.timedOut)
        XCTAssertEqual(run.exitCode, 1, run.standardOutput + run.standardError)
        XCTAssertEqual(lines(run.standardOutput, startingWith: "Destination port unreachable").count, 3)
        XCTAssertTrue(
            run.standardOutput.contains("3 packets transmitted, 0 received, +3 errors, 100% packet loss"),
            run.standardOutput)
        XCTAssertFalse(run.standardOutput.contains("rtt"), "no round trip without a reply")
    }

    /// A silent server: every probe times out after -W, exit 1.
    func testSilentServerTimesOutEachProbe() async throws {
        let server = try UDPPingTestServer(answer: { _ in [] })
        defer { try? server.stop() }
        let run = try await runSockworks([
            "udpping", "-c", "2", "-i", "0.1", "-W", "0.2", "127.0.0.1", String(server.port),
        ])
        XCTAssertEqual(run.exitCode, 1)
        XCTAssertEqual(lines(run.standardOutput, startingWith: "Request timed out").count, 2)
        XCTAssertTrue(run.standardOutput.contains("2 packets transmitted, 0 received, 100% packet loss"))
    }

    /// Probe 2's reply is held back past -W: it times out, its reply is
    /// reported as late under its own number with its real round trip, and
    /// every later probe is still answered by its own reply.
    func testLateReplyIsNeverMatchedToALaterProbe() async throws {
        let server = try UDPPingTestServer { probe in
            let reply = UDPPingTestServer.upperCased(probe)
            return [.init(bytes: reply, delayMilliseconds: UDPPingTestServer.sequence(probe) == 2 ? 450 : 0)]
        }
        defer { try? server.stop() }
        let run = try await runSockworks(
            ["udpping", "-c", "8", "-i", "0.1", "-W", "0.2", "127.0.0.1", String(server.port)])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let output = run.standardOutput
        XCTAssertEqual(repliedSequences(output), [1, 3, 4, 5, 6, 7, 8], output)
        XCTAssertEqual(lines(output, startingWith: "Request timed out").count, 1, output)
        let late = lines(output, startingWith: "Late reply")
        XCTAssertEqual(late.count, 1, output)
        if let line = late.first, let match = line.wholeMatch(of: /Late reply for probe 2 \(time=([0-9.]+) ms\)/) {
            XCTAssertGreaterThanOrEqual(Double(match.1) ?? 0, 400, line)
        } else {
            XCTFail("no late reply for probe 2: \(output)")
        }
        let timedOut = output.range(of: "Request timed out")
        let lateAt = output.range(of: "Late reply")
        if let timedOut, let lateAt { XCTAssertLessThan(timedOut.lowerBound, lateAt.lowerBound) }
        XCTAssertTrue(output.contains("8 packets transmitted, 7 received, 12.5% packet loss"), output)
        XCTAssertTrue(output.contains("\n1 late, 0 duplicates\n"), output)
    }

    /// A server that answers twice: the second reply is a duplicate,
    /// reported and not counted. (The last probe is answered once: the run
    /// ends on its first reply, as ping's does.)
    func testDuplicatedRepliesAreReportedNotCounted() async throws {
        let server = try UDPPingTestServer { probe in
            let reply = UDPPingTestServer.upperCased(probe)
            let copies = UDPPingTestServer.sequence(probe) == 3 ? 1 : 2
            return Array(repeating: .init(bytes: reply), count: copies)
        }
        defer { try? server.stop() }
        let run = try await runSockworks(["udpping", "-c", "3", "-i", "0.1", "127.0.0.1", String(server.port)])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let output = run.standardOutput
        XCTAssertEqual(repliedSequences(output), [1, 2, 3], output)
        let duplicates = lines(output, startingWith: "Duplicate reply for probe ").map { $0.split(separator: " ")[4] }
        XCTAssertEqual(duplicates, ["1", "2"], output)
        XCTAssertTrue(output.contains("3 packets transmitted, 3 received, 0% packet loss"), output)
        XCTAssertTrue(output.contains("\n0 late, 2 duplicates\n"), output)
    }

    /// Replies naming a probe never sent, not what their probe carried, or
    /// no probe at all: each reported, none counted, and the real replies
    /// that follow them still counted.
    func testRepliesToUnknownProbesAreReportedNotCounted() async throws {
        let server = try UDPPingTestServer { probe in
            let reply = UDPPingTestServer.upperCased(probe)
            let wrong: [UInt8] =
                switch UDPPingTestServer.sequence(probe) {
                case 1: Array("PING 99 1.000000".utf8)
                case 2: Array("PING 2 0.000000".utf8)
                default: Array("hello\u{1b}[2J\nsecond line".utf8)
                }
            return [.init(bytes: wrong), .init(bytes: reply)]
        }
        defer { try? server.stop() }
        let run = try await runSockworks(["udpping", "-c", "3", "-i", "0.1", "127.0.0.1", String(server.port)])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let output = run.standardOutput
        XCTAssertEqual(repliedSequences(output), [1, 2, 3], output)
        XCTAssertEqual(
            lines(output, startingWith: "Reply to").sorted() + lines(output, startingWith: "Reply not"),
            [
                "Reply to no probe: hello?[2J", "Reply to unknown probe 99: PING 99 1.000000",
                "Reply not matching probe 2: PING 2 0.000000",
            ], output)
        XCTAssertTrue(output.contains("3 packets transmitted, 3 received, 0% packet loss"), output)
        XCTAssertTrue(output.contains("\n0 late, 0 duplicates, 3 unmatched\n"), output)
    }

    /// `--json`: one object per line per event, the summary with its figures.
    func testJSONHasOneObjectPerEvent() async throws {
        let server = try UDPPingTestServer { probe in
            UDPPingTestServer.sequence(probe) == 2 ? [] : [.init(bytes: UDPPingTestServer.upperCased(probe))]
        }
        defer { try? server.stop() }
        let run = try await runSockworks(
            ["udpping", "--json", "-c", "3", "-i", "0.1", "-W", "0.05", "127.0.0.1", String(server.port)])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let objects = run.standardOutput.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
        XCTAssertEqual(
            objects.map { $0["type"] as? String ?? "?" }, ["start", "reply", "timeout", "reply", "summary"],
            run.standardOutput)
        XCTAssertEqual(objects.compactMap { $0["seq"] as? Int }, [1, 2, 3])
        let summary = objects.last ?? [:]
        XCTAssertEqual(summary["transmitted"] as? Int, 3)
        XCTAssertEqual(summary["received"] as? Int, 2)
        XCTAssertEqual(summary["exit_status"] as? Int, 0)
        XCTAssertNotNil(summary["rtt_p99_ms"] as? Double)
    }

    /// SIGINT stops the run: the summary of what was sent so far, exit 0
    /// as a reply came.
    func testInterruptPrintsTheSummary() async throws {
        let server = try UDPPingTestServer()
        defer { try? server.stop() }
        let (_, outcome) = try await withProgram(
            try sockworksExecutable(), ["udpping", "-c", "1000", "-i", "0.05", "127.0.0.1", String(server.port)]
        ) { process in
            try await process.waitForOutput("PING 2 ")
            let stopped = try await process.stop(.interrupt)
            XCTAssertTrue(stopped)
        }
        XCTAssertEqual(outcome.exitCode, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardOutput.contains("--- 127.0.0.1 udpping statistics ---"), outcome.standardOutput)
        XCTAssertNil(outcome.standardOutput.firstMatch(of: /1000 packets transmitted/))
    }

    func testBadArgumentsExitTwoWithOneLine() async throws {
        let cases: [([String], String)] = [
            (["-c", "0", "127.0.0.1", "7"], "sockworks: -c must be at least 1, not 0"),
            (["-i", "-1", "127.0.0.1", "7"], "sockworks: -i must be from 0 to 3600 seconds, not -1"),
            (["-W", "0", "127.0.0.1", "7"], "sockworks: -W must be more than 0 and at most 3600 seconds, not 0"),
            (["127.0.0.1", "0"], "sockworks: the port must be from 1 to 65535, not 0"),
            (["127.0.0.1", "65536"], "sockworks: the port must be from 1 to 65535, not 65536"),
            (["no-such-host.invalid", "7"], "sockworks: no-such-host.invalid: "),
        ]
        for (arguments, message) in cases {
            let run = try await runSockworks(["udpping"] + arguments)
            XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.standardError)")
            XCTAssertTrue(run.standardError.hasPrefix(message), "\(arguments): \(run.standardError)")
            XCTAssertEqual(run.standardError.filter { $0 == "\n" }.count, 1, run.standardError)
            XCTAssertEqual(run.standardOutput, "")
        }
    }

    /// No descriptor of the test's own servers outlives them.
    func testServersLeaveNoDescriptors() async throws {
        let before = try openDescriptorCount()
        let server = try UDPPingTestServer()
        _ = try await runSockworks(["udpping", "-c", "1", "127.0.0.1", String(server.port)])
        try server.stop()
        XCTAssertEqual(try openDescriptorCount(), before)
    }
}
