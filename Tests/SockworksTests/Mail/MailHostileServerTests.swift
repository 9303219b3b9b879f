import Glibc
import TestSupport
import XCTest

/// `sockworks mail` against servers that misbehave: it stops with one line
/// naming the stage, in bounded time, and gives them nothing more.
final class MailHostileServerTests: XCTestCase {
    private func mail(_ port: UInt16, _ extra: [String]) async throws -> ProcessRun {
        try await runSockworks(
            ["mail", "--server", "127.0.0.1:\(port)", "--from", "a@example.test", "--to", "b@example.test"] + extra,
            timeout: .seconds(30))
    }

    func testASilentServerTimesOut() async throws {
        var run: ProcessRun?
        let started = ContinuousClock.now
        _ = try await withHostileSMTPServer("silent") { port in
            run = try await mail(port, ["--tls", "none", "--timeout", "1"])
        }
        let elapsed = ContinuousClock.now - started
        let result = try XCTUnwrap(run)
        XCTAssertFalse(result.timedOut)
        XCTAssertEqual(result.exitCode, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("timed out"), result.standardError)
        XCTAssertTrue(result.standardError.contains("greeting"), result.standardError)
        XCTAssertLessThan(elapsed, .seconds(20))
    }

    /// CVE-2011-0411: a reply pipelined behind the 220 to STARTTLS would be
    /// read as the server's answer inside TLS. The client stops before the
    /// handshake and sends nothing more in the clear.
    func testARepliesInjectedAfterSTARTTLSStopTheClient() async throws {
        var run: ProcessRun?
        let received = try await withHostileSMTPServer("injection") { port in
            run = try await mail(port, [])
        }
        let result = try XCTUnwrap(run)
        XCTAssertEqual(result.exitCode, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("STARTTLS"), result.standardError)
        XCTAssertFalse(received.contains("MAIL FROM"), received)
        XCTAssertFalse(received.contains("AUTH"), received)
    }

    func testAServerThatHangsUpMidDialogue() async throws {
        var run: ProcessRun?
        _ = try await withHostileSMTPServer("hangup") { port in
            run = try await mail(port, ["--tls", "none"])
        }
        let result = try XCTUnwrap(run)
        XCTAssertEqual(result.exitCode, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("MAIL FROM"), result.standardError)
        XCTAssertTrue(result.standardError.lowercased().contains("closed"), result.standardError)
        XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
    }
}
