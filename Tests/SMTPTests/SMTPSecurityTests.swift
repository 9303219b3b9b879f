import SocketCore
import Streams
import TestSupport
import XCTest

@testable import SMTP

/// STARTTLS (offered, not offered, with bytes injected after its 220) and
/// AUTH, the bytes on the wire checked, against scripted servers. The
/// upgrade here is a stream that passes bytes through and counts its calls:
/// what the client does around a handshake is the same.
final class SMTPSecurityTests: XCTestCase {
    typealias Step = ScriptedSMTPServer.Step

    static let greeting = Step.send("220 mx.test ESMTP ready\r\n")
    static let ehloWithTLS = Step.send("250-mx.test\r\n250-STARTTLS\r\n250 SIZE 500\r\n")
    static let ehloWithAuth = Step.send("250-mx.test\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n")
    static let ehloWithLogin = Step.send("250-mx.test\r\n250 AUTH LOGIN\r\n")

    private func dialogue(
        _ steps: [Step], transcript: ((SMTPTranscriptLine) -> Void)? = nil, _ body: (SMTPClient) throws -> Void
    ) throws -> [String] {
        let server = try ScriptedSMTPServer(steps)
        let client = SMTPClient(
            stream: try server.connect(),
            options: SMTPClientOptions(timeout: .seconds(5), heloName: "client.test", transcript: transcript))
        var failure: (any Error)?
        do { try body(client) } catch { failure = error }
        client.quit()
        let received = try server.received()
        if let failure { throw failure }
        return received
    }

    private func failure(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> SMTPError? {
        do {
            try body()
            XCTFail("no error", file: file, line: line)
        } catch let error as SMTPError {
            return error
        } catch {
            XCTFail("not an SMTPError: \(error)", file: file, line: line)
        }
        return nil
    }

    func testStartTLSUpgradesAndSaysEHLOAgain() throws {
        var upgrades = 0
        var deadlineGiven: MonotonicInstant?
        let received = try dialogue([
            Self.greeting, .read, Self.ehloWithTLS, .read, .send("220 2.0.0 go ahead\r\n"), .read,
            Self.ehloWithAuth, .read, .send("221 bye\r\n"),
        ]) { client in
            try client.readGreeting()
            XCTAssertTrue(try client.hello().startTLS)
            let after = try client.startTLS { stream, deadline in
                upgrades += 1
                deadlineGiven = deadline
                return PassThroughStream(stream)
            }
            // The extensions are those of the second EHLO only.
            XCTAssertFalse(after.startTLS)
            XCTAssertNil(after.sizeLimit)
            XCTAssertEqual(after.authMechanisms, ["LOGIN", "PLAIN"])
            XCTAssertEqual(client.extensions, after)
        }
        XCTAssertEqual(upgrades, 1)
        XCTAssertNotNil(deadlineGiven)
        XCTAssertEqual(received, ["EHLO client.test", "STARTTLS", "EHLO client.test", "QUIT"])
    }

    func testStartTLSNotOfferedSendsNothing() throws {
        var error: SMTPError?
        var upgrades = 0
        let received = try dialogue([Self.greeting, .read, Self.ehloWithAuth]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure {
                try client.startTLS { stream, _ in
                    upgrades += 1
                    return stream
                }
            }
        }
        guard case .startTLSNotOffered = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(upgrades, 0)
        XCTAssertEqual(received, ["EHLO client.test", "QUIT"])
    }

    /// CVE-2011-0411: a reply pipelined after the 220 would be read as the
    /// first reply under TLS.
    func testBytesAfterThe220AreAnInjection() throws {
        var error: SMTPError?
        var upgrades = 0
        let received = try dialogue([
            Self.greeting, .read, Self.ehloWithTLS, .read, .send("220 go ahead\r\n250 injected\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure {
                try client.startTLS { stream, _ in
                    upgrades += 1
                    return stream
                }
            }
        }
        guard case .startTLSInjection(let bytes) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(bytes, 14)
        XCTAssertEqual(upgrades, 0, "the handshake must not start")
        // Nothing more goes to such a server, QUIT included.
        XCTAssertEqual(received, ["EHLO client.test", "STARTTLS"])
    }

    func testStartTLSRefused() throws {
        var error: SMTPError?
        _ = try dialogue([Self.greeting, .read, Self.ehloWithTLS, .read, .send("454 4.7.0 TLS not available\r\n")]) {
            client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.startTLS { stream, _ in stream } }
        }
        XCTAssertEqual(error?.description, "STARTTLS refused: 454 4.7.0 TLS not available")
    }

    func testAFailedUpgradeIsTLSFailed() throws {
        struct HandshakeFailed: Error, CustomStringConvertible {
            var description: String { "certificate verify failed" }
        }
        var error: SMTPError?
        let received = try dialogue([Self.greeting, .read, Self.ehloWithTLS, .read, .send("220 go ahead\r\n")]) {
            client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.startTLS { _, _ in throw HandshakeFailed() } }
        }
        XCTAssertEqual(error?.description, "TLS failed: certificate verify failed")
        XCTAssertEqual(received, ["EHLO client.test", "STARTTLS"])
    }

    func testAuthPlain() throws {
        var transcript: [SMTPTranscriptLine] = []
        let received = try dialogue(
            [Self.greeting, .read, Self.ehloWithAuth, .read, .send("235 2.7.0 accepted\r\n")],
            transcript: { transcript.append($0) }
        ) { client in
            try client.readGreeting()
            try client.hello()
            try client.authenticate(user: "user", password: "pass", mechanism: nil)
        }
        XCTAssertEqual(received, ["EHLO client.test", "AUTH PLAIN AHVzZXIAcGFzcw==", "QUIT"])
        XCTAssertTrue(transcript.contains(SMTPTranscriptLine(.sent, "AUTH PLAIN ****")))
        XCTAssertFalse(transcript.contains { $0.text.contains("AHVzZXIAcGFzcw") })
        XCTAssertEqual(transcript.first?.description, "S: 220 mx.test ESMTP ready")
    }

    func testAuthPlainAnswersA334WithTheCredentials() throws {
        let received = try dialogue([
            Self.greeting, .read, Self.ehloWithAuth, .read, .send("334 \r\n"), .read, .send("235 ok\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            try client.authenticate(user: "user", password: "pass", mechanism: .plain)
        }
        XCTAssertEqual(received, ["EHLO client.test", "AUTH PLAIN AHVzZXIAcGFzcw==", "AHVzZXIAcGFzcw==", "QUIT"])
    }

    func testAuthLogin() throws {
        var transcript: [SMTPTranscriptLine] = []
        let received = try dialogue(
            [
                Self.greeting, .read, Self.ehloWithLogin, .read, .send("334 VXNlcm5hbWU6\r\n"), .read,
                .send("334 UGFzc3dvcmQ6\r\n"), .read, .send("235 2.7.0 ok\r\n"),
            ], transcript: { transcript.append($0) }
        ) { client in
            try client.readGreeting()
            try client.hello()
            try client.authenticate(user: "user", password: "pass", mechanism: nil)
        }
        XCTAssertEqual(received, ["EHLO client.test", "AUTH LOGIN", "dXNlcg==", "cGFzcw==", "QUIT"])
        XCTAssertFalse(transcript.contains { $0.text.contains("cGFzcw") })
        XCTAssertEqual(transcript.filter { $0 == SMTPTranscriptLine(.sent, "****") }.count, 2)
    }

    func testAuthRefused() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehloWithAuth, .read, .send("535 5.7.8 credentials invalid\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.authenticate(user: "user", password: "wrong", mechanism: .plain) }
        }
        XCTAssertEqual(error?.description, "AUTH refused: 535 5.7.8 credentials invalid")
        XCTAssertEqual(received.last, "QUIT")
    }

    func testLoginRefusedAfterTheUserName() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehloWithLogin, .read, .send("334 VXNlcm5hbWU6\r\n"), .read,
            .send("535 no such user\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.authenticate(user: "user", password: "pass", mechanism: .login) }
        }
        guard case .authRefused(let reply) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(reply.code, 535)
        XCTAssertEqual(received, ["EHLO client.test", "AUTH LOGIN", "dXNlcg==", "QUIT"])
    }

    func testAuthUnavailable() throws {
        var errors: [SMTPError?] = []
        let received = try dialogue([Self.greeting, .read, Self.ehloWithLogin]) { client in
            try client.readGreeting()
            try client.hello()
            errors.append(failure { try client.authenticate(user: "u", password: "p", mechanism: .plain) })
        }
        XCTAssertEqual(
            errors.map { $0?.description },
            ["the server offers no usable AUTH mechanism (it offers LOGIN)"])
        XCTAssertEqual(received, ["EHLO client.test", "QUIT"])
    }
}

/// A stream that passes everything to the one below it.
private final class PassThroughStream: ByteStream {
    private let inner: any ByteStream

    init(_ inner: any ByteStream) {
        self.inner = inner
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) -> Int {
        try inner.read(into: buffer, deadline: deadline)
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) {
        try inner.write(bytes, deadline: deadline)
    }

    func shutdown(_ direction: StreamShutdown, deadline: MonotonicInstant?) throws(StreamError) {
        try inner.shutdown(direction, deadline: deadline)
    }

    func close(deadline: MonotonicInstant?) throws(StreamError) {
        try inner.close(deadline: deadline)
    }
}
