import Subprocess
import SystemPackage
import TestSupport
import XCTest

/// SIGQUIT in the middle of a run: iputils' status line on standard error,
/// and the run goes on to its end and its summary.
final class StatusSignalTests: XCTestCase {
    /// Runs `program` for 6 probes, sends SIGQUIT once the second reply is
    /// printed, and returns the finished run.
    private func runWithStatusRequest(
        _ program: String, _ arguments: [String],
        secondReply: String = "icmp_seq=2 "
    ) async throws -> LiveOutcome {
        let (_, outcome) = try await withProgram(FilePath(program), arguments) { run in
            try await run.waitForOutput(secondReply)
            try run.signal(.quit)
            let finished = try await run.waitForExit(timeout: .seconds(20))
            XCTAssertTrue(finished, "\(program) did not finish")
        }
        XCTAssertFalse(outcome.leftRunning)
        return outcome
    }

    func testStatusLineAndTheRunGoesOn() async throws {
        try requireRoot()
        let arguments = ["-c", "6", "-i", "0.2", "127.0.0.1"]
        let ours = try await runWithStatusRequest(try icmppingExecutable(), arguments)
        try requireProgram("/usr/bin/ping")
        let theirs = try await runWithStatusRequest("/usr/bin/ping", arguments)
        for (name, run) in [("icmpping", ours), ("ping", theirs)] {
            XCTAssertEqual(run.exitCode, 0, "\(name): \(run.standardError)")
            XCTAssertTrue(run.standardOutput.contains("icmp_seq=6 "), "\(name):\n\(run.standardOutput)")
            XCTAssertEqual(
                SummaryCounts(run.standardOutput), SummaryCounts(transmitted: 6, received: 6, loss: "0"), name)
            // Two replies were printed before the signal; the line counts
            // what the run had then: all sent probes answered, or the last
            // one still on its way.
            let match = try XCTUnwrap(
                run.standardError.wholeMatch(
                    of:
                        /\r(\d)\/(\d) packets, (\d+)% loss, min\/avg\/ewma\/max = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms\n/
                ),
                "\(name): \(run.standardError.debugDescription)")
            let (received, transmitted, loss) = (Int(match.1)!, Int(match.2)!, Int(match.3)!)
            XCTAssertTrue(
                received >= 2 && transmitted >= received && transmitted <= received + 1,
                "\(name): \(run.standardError.debugDescription)")
            XCTAssertEqual(loss, (transmitted - received) * 100 / transmitted, name)
        }
        XCTAssertEqual(masked(ours.standardOutput), masked(theirs.standardOutput))
    }

    /// A capture passes the status line through; `--json` makes it a
    /// `status` object on standard output among the others.
    func testStatusWithACaptureAndAsJSON() async throws {
        try requireRoot()
        let verified = try await runWithStatusRequest(
            try icmppingExecutable(),
            ["--verify", "-c", "6", "-i", "0.2", "127.0.0.1"])
        XCTAssertEqual(verified.exitCode, 0, verified.standardError)
        XCTAssertNotNil(
            verified.standardError.wholeMatch(of: /\r\d\/\d packets, \d+% loss, min\/avg\/ewma\/max = [0-9.\/]+ ms\n/),
            verified.standardError.debugDescription)
        let json = try await runWithStatusRequest(
            try icmppingExecutable(),
            ["--json", "-c", "6", "-i", "0.2", "127.0.0.1"],
            secondReply: "\"seq\":2,")
        XCTAssertEqual(json.exitCode, 0, json.standardError)
        XCTAssertEqual(json.standardError, "")
        let statusLines = json.standardOutput.split(separator: "\n").filter { $0.hasPrefix("{\"type\":\"status\"") }
        XCTAssertEqual(statusLines.count, 1, json.standardOutput)
        XCTAssertTrue(statusLines.first?.contains("\"transmitted\":") ?? false, json.standardOutput)
    }

    /// With nothing answered yet, no times: `0/N packets, 100% loss`.
    func testStatusLineWithoutReplies() async throws {
        let namespace = try await NetworkNamespace("quit")
        do {
            try await namespace.shell("iptables -A INPUT -p icmp --icmp-type echo-request -j DROP")
            let arguments = ["-c", "3", "-i", "0.2", "-W", "1", "127.0.0.1"]
            let (_, outcome) = try await withProgram(
                builtExecutable("icmpping"), arguments,
                launcher: launcher(namespace: namespace.name)
            ) { run in
                try await run.waitForOutput("PING ")
                try await Task.sleep(for: .milliseconds(300))
                try run.signal(.quit)
                let finished = try await run.waitForExit(timeout: .seconds(20))
                XCTAssertTrue(finished)
            }
            XCTAssertEqual(outcome.exitCode, 1)
            XCTAssertNotNil(
                outcome.standardError.wholeMatch(of: /\r0\/[1-3] packets, 100% loss\n/),
                outcome.standardError.debugDescription)
            XCTAssertEqual(
                SummaryCounts(outcome.standardOutput),
                SummaryCounts(transmitted: 3, received: 0, loss: "100"))
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }
}
