import Foundation
import Glibc
import Subprocess
import SystemPackage
import TestSupport
import XCTest

/// `sockworks heartbeat` and `sockworks serve heartbeat` together, through a
/// relay of the test's own that drops and reorders chosen heartbeats, and
/// the monitor alone against clients of the test's own.
final class HeartbeatMonitorTests: XCTestCase {
    /// The monitor's port from its first line, `listening on 127.0.0.1:PORT`.
    private func port(of monitor: LiveProcess) async throws -> UInt16 {
        let first = try await monitor.firstLine()
        let line = try XCTUnwrap(first)
        return try XCTUnwrap(line.split(separator: ":").last.flatMap { UInt16($0) }, line)
    }

    private func withMonitor(
        _ arguments: [String], _ body: (LiveProcess, UInt16) async throws -> Void
    ) async throws -> LiveOutcome {
        let (_, outcome) = try await withProgram(
            try sockworksExecutable(), ["serve", "heartbeat", "--port", "0"] + arguments
        ) { monitor in
            try await body(monitor, try await port(of: monitor))
            let stopped = try await monitor.stop(.terminate)
            XCTAssertTrue(stopped, "the monitor did not stop on SIGTERM")
        }
        XCTAssertEqual(outcome.exitCode, 0, outcome.standardError)
        XCTAssertFalse(outcome.leftRunning)
        return outcome
    }

    /// The monitor's JSON lines, read by Python's json module (not by our
    /// own parser), as `EVENT CLIENT KEY=VALUE...` lines in their order.
    private func pythonReading(_ output: String) async throws -> [String] {
        let script = """
            import json, sys
            for line in sys.stdin.read().splitlines()[1:]:
                event = json.loads(line)
                for key in ("event", "client", "address", "unix_time"):
                    assert key in event, (key, line)
                assert isinstance(event["unix_time"], float), line
                fields = [event["event"], event["client"]]
                for key in ("seq", "seqs", "count", "received", "lost", "reordered", "duplicates", "restarts"):
                    if key in event:
                        fields.append("%s=%s" % (key, json.dumps(event[key], separators=(",", ":"))))
                print(" ".join(fields))
            """
        let run = try await runProgram("/usr/bin/python3", ["-c", script], input: Array(output.utf8))
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        return run.standardOutput.split(separator: "\n").map(String.init)
    }

    func testTheExactLostSequenceNumbersAndAReorderedOne() async throws {
        let outcome = try await withMonitor(["--json"]) { monitor, port in
            let relay = try HeartbeatRelay(to: port, drop: [3, 5, 6, 11], hold: [8], releaseAfter: 2)
            let client = try await runSockworks(
                ["heartbeat", "127.0.0.1", String(relay.port), "-i", "0.03", "-c", "12", "--id", "alpha"])
            XCTAssertEqual(client.exitCode, 0, client.standardError)
            try await monitor.waitForOutput(#""event":"heartbeat","client":"alpha""# + "", timeout: .seconds(5))
            try await monitor.waitForOutput(#""seq":12"#, timeout: .seconds(5))
            try relay.stop()
        }
        let events = try await pythonReading(outcome.standardOutput)
        XCTAssertEqual(
            events.filter { $0.hasPrefix("lost ") },
            [
                "lost alpha seqs=[3] count=1", "lost alpha seqs=[5,6] count=2", "lost alpha seqs=[8] count=1",
                "lost alpha seqs=[11] count=1",
            ])
        XCTAssertEqual(events.filter { $0.hasPrefix("reordered ") }, ["reordered alpha seq=8"])
        // 8 came after 10 (held for two more), and after its loss was reported.
        let order = events.filter { $0.hasPrefix("heartbeat ") || $0.hasPrefix("reordered ") }
        XCTAssertEqual(
            order,
            [1, 2, 4, 7, 9, 10].map { "heartbeat alpha seq=\($0)" } + [
                "reordered alpha seq=8", "heartbeat alpha seq=12",
            ])
        XCTAssertEqual(
            events.last,
            "summary alpha received=8 lost=4 reordered=1 duplicates=0 restarts=0")
    }

    func testAKilledClientIsStoppedAfterDeadAfter() async throws {
        let outcome = try await withMonitor(["--dead-after", "0.5"]) { monitor, port in
            let (_, client) = try await withProgram(
                try sockworksExecutable(), ["heartbeat", "127.0.0.1", String(port), "-i", "0.05", "--id", "beta"]
            ) { client in
                try await monitor.waitForOutput("client beta heartbeat 5,", timeout: .seconds(5))
                try client.signal(.kill)
                _ = try await client.waitForExit(timeout: .seconds(5))
                let killedAt = ContinuousClock.now
                try await monitor.waitForOutput("client beta stopped", timeout: .seconds(5))
                XCTAssertGreaterThanOrEqual(ContinuousClock.now - killedAt, .milliseconds(400))
            }
            XCTAssertEqual(client.status, .signaled(SIGKILL))
        }
        let stopped = try XCTUnwrap(outcome.standardOutput.split(separator: "\n").first { $0.contains("stopped") })
        // "nothing for S s": at least the dead-after time, at most a tick or two more.
        let silence = try XCTUnwrap(Double(stopped.split(separator: " ")[6]), String(stopped))
        XCTAssertGreaterThanOrEqual(silence, 0.5)
        XCTAssertLessThan(silence, 1.0)
        XCTAssertTrue(outcome.standardOutput.contains("client beta summary:"), outcome.standardOutput)
    }

    func testAStoppedClientByItsObservedInterval() async throws {
        // No --dead-after: three intervals of 0.1 s, not the default 3 s.
        let outcome = try await withMonitor([]) { monitor, port in
            let client = try await runSockworks(
                ["heartbeat", "127.0.0.1", String(port), "-i", "0.1", "-c", "4", "--id", "delta"])
            XCTAssertEqual(client.exitCode, 0)
            try await monitor.waitForOutput("client delta stopped", timeout: .seconds(2))
        }
        XCTAssertTrue(outcome.standardOutput.contains("after heartbeat 4\n"), outcome.standardOutput)
    }

    func testARestartedClient() async throws {
        let outcome = try await withMonitor(["--json"]) { monitor, port in
            for _ in 0..<2 {
                let client = try await runSockworks(
                    ["heartbeat", "127.0.0.1", String(port), "-i", "0.02", "-c", "3", "--id", "gamma"])
                XCTAssertEqual(client.exitCode, 0)
            }
            try await monitor.waitForOutput(#""event":"restarted""#, timeout: .seconds(5))
            try await Task.sleep(for: .milliseconds(200))
        }
        let events = try await pythonReading(outcome.standardOutput)
        XCTAssertEqual(events.filter { $0.hasPrefix("restarted") }, ["restarted gamma seq=1"])
        XCTAssertEqual(events.last, "summary gamma received=6 lost=0 reordered=0 duplicates=0 restarts=1")
    }

    /// 100 clients of the test's own, without IDs (each known by its
    /// address), five heartbeats each, interleaved: each tracked, none lost.
    func testAHundredClientsAtOnce() async throws {
        try await hundredClients([])
    }

    /// The same monitor on the batched server with two sockets on the port.
    func testAHundredClientsAtOnceBatched() async throws {
        try await hundredClients(["--batch", "--workers", "2"])
    }

    private func hundredClients(_ receiving: [String]) async throws {
        let outcome = try await withMonitor(["--json"] + receiving) { monitor, port in
            let clients = try (0..<100).map { _ in try TestSocket(type: Int32(SOCK_DGRAM.rawValue)) }
            defer { for client in clients { client.close() } }
            for client in clients {
                try client.bind()
                XCTAssertEqual(client.connect(port: port), 0)
            }
            let now = Date().timeIntervalSince1970
            for sequence in 1...5 {
                for client in clients {
                    let text = "Heartbeat \(sequence) " + String(format: "%.6f", now + Double(sequence) * 0.01)
                    try client.sendAll(Array(text.utf8))
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let arrived = try await waitUntil(timeout: .seconds(10)) {
                monitor.output.text.components(separatedBy: #""seq":5,"#).count == 101
            }
            XCTAssertTrue(arrived, "not every client's fifth heartbeat was reported")
        }
        let summaries = try await pythonReading(outcome.standardOutput).filter { $0.hasPrefix("summary ") }
        XCTAssertEqual(summaries.count, 100)
        XCTAssertEqual(Set(summaries.map { $0.split(separator: " ", maxSplits: 2)[2] }).count, 1, "\(summaries)")
        XCTAssertEqual(
            summaries.first?.split(separator: " ", maxSplits: 2)[2],
            "received=5 lost=0 reordered=0 duplicates=0 restarts=0")
        XCTAssertFalse(outcome.standardOutput.contains(#""event":"lost""#))
    }

    func testMalformedDatagramsAreCountedAndMakeNoClient() async throws {
        let outcome = try await withMonitor([]) { monitor, port in
            let socket = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
            defer { socket.close() }
            XCTAssertEqual(socket.connect(port: port), 0)
            // An empty datagram too (sendAll of nothing sends nothing).
            XCTAssertEqual(try socket.sendNonBlocking([]), 0)
            for garbage in ["Heartbeat", "Heartbeat 0 1.0", "Heartbeat 1 now", "Ping 1 1700000000.000000"] {
                try socket.sendAll(Array(garbage.utf8))
            }
            try socket.sendAll([0xff, 0x00, 0x48] + Array(repeating: 0x41, count: 1400))
            try socket.sendAll(Array("Heartbeat 1 1700000000.000000 epsilon".utf8))
            try await monitor.waitForOutput("client epsilon heartbeat 1,", timeout: .seconds(5))
            XCTAssertNil(try socket.receiveNonBlocking(), "the monitor replied")
        }
        XCTAssertTrue(outcome.standardError.contains("1 clients, 6 malformed datagrams"), outcome.standardError)
        let summaries = outcome.standardOutput.split(separator: "\n").filter { $0.contains("summary") }
        XCTAssertEqual(summaries.count, 1)
    }

    func testAClosedPortIsReportedOnceAndIsNotFatal() async throws {
        let port = try unusedUDPPort()
        let client = try await runSockworks(["heartbeat", "127.0.0.1", String(port), "-i", "0.02", "-c", "5"])
        XCTAssertEqual(client.exitCode, 0, client.standardError)
        XCTAssertEqual(
            client.standardError, "sockworks: 127.0.0.1:\(port): port unreachable (ECONNREFUSED); still sending\n")
    }

    func testSIGINTStopsTheClientWithStatusZero() async throws {
        let port = try unusedUDPPort()
        let (_, outcome) = try await withProgram(
            try sockworksExecutable(), ["heartbeat", "127.0.0.1", String(port), "-i", "0.05"]
        ) { client in
            try await Task.sleep(for: .milliseconds(200))
            let stopped = try await client.stop(.interrupt)
            XCTAssertTrue(stopped)
        }
        XCTAssertEqual(outcome.exitCode, 0)
    }

    func testBadArgumentsExitTwoWithOneLine() async throws {
        for arguments in [
            ["heartbeat", "127.0.0.1"], ["heartbeat", "localhost", "9"], ["heartbeat", "127.0.0.1", "9", "-i", "0"],
            ["heartbeat", "127.0.0.1", "9", "-c", "0"], ["heartbeat", "127.0.0.1", "9", "--id", "a b"],
            ["serve", "heartbeat", "--dead-after", "0"], ["serve", "heartbeat", "--host", "nowhere"],
        ] {
            let run = try await runSockworks(arguments)
            XCTAssertEqual(run.exitCode, 2, "\(arguments)")
            XCTAssertEqual(run.standardError.split(separator: "\n").count, 1, run.standardError)
        }
    }
}
