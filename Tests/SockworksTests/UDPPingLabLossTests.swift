import TestSupport
import XCTest

/// udpping against the project's own lab server at the lab's 30 % loss:
/// over 1000 probes the loss the client reports is what the server says it
/// dropped, probe for probe.
final class UDPPingLabLossTests: XCTestCase {
    func testLossIsWhatTheServerDropped() async throws {
        let (ping, outcome) = try await withLabServer("udpping", ["--loss", "0.3"]) { _, port in
            // -W 1 is far beyond a loopback round trip: no reply comes late,
            // so every probe unanswered is one the server dropped.
            try await runSockworks(
                ["udpping", "-q", "-c", "1000", "-i", "0.002", "-W", "1", "127.0.0.1", String(port)],
                timeout: .seconds(30))
        }
        XCTAssertFalse(ping.timedOut)
        XCTAssertEqual(ping.exitCode, 0, ping.standardError)
        let counts = try XCTUnwrap(
            ping.standardOutput.firstMatch(of: #/1000 packets transmitted, ([0-9]+) received, /#), ping.standardOutput)
        let received = try XCTUnwrap(Int(counts.1))
        let dropped = 1000 - received
        XCTAssertTrue(
            outcome.standardError.contains("udpping: received 1000, dropped \(dropped), answered \(received)"),
            "client lost \(dropped):\n\(ping.standardOutput)\nserver: \(outcome.standardError)")
        XCTAssertTrue(ping.standardOutput.contains("\n0 late, 0 duplicates\n"), ping.standardOutput)
        XCTAssertTrue((240...360).contains(dropped), "\(dropped) of 1000 lost at --loss 0.3")
    }
}
