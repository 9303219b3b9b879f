import SocketCore
import Streams
import TestSupport
import XCTest

@testable import SMTP

/// The client against scripted servers on loopback: the happy path, a
/// refusal at each stage, servers that close, stall or break the syntax.
final class SMTPDialogueTests: XCTestCase {
    typealias Step = ScriptedSMTPServer.Step

    static let greeting = Step.send("220 mx.test ESMTP ready\r\n")
    static let ehlo = Step.send("250-mx.test hello\r\n250-SIZE 1000000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n")

    /// Runs `body` with a client of a server playing `steps`, then QUIT;
    /// returns what the server read.
    private func dialogue(
        _ steps: [Step], timeout: Duration = .seconds(5), transcript: ((SMTPTranscriptLine) -> Void)? = nil,
        _ body: (SMTPClient) throws -> Void
    ) throws -> [String] {
        let server = try ScriptedSMTPServer(steps)
        let client = SMTPClient(
            stream: try server.connect(),
            options: SMTPClientOptions(timeout: timeout, heloName: "client.test", transcript: transcript))
        var failure: (any Error)?
        do { try body(client) } catch { failure = error }
        client.quit()
        let received = try server.received()
        if let failure { throw failure }
        return received
    }

    /// The SMTPError `body` throws.
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

    private func message(_ text: String) -> (SMTPDataWriter) throws -> Void {
        { try $0.write(text) }
    }

    func testHappyPath() throws {
        var delivery: SMTPDelivery?
        var transcript: [String] = []
        let received = try dialogue(
            [
                Self.greeting, .read, Self.ehlo, .read, .send("250 2.1.0 ok\r\n"), .read, .send("250 2.1.5 ok\r\n"),
                .read, .send("251 2.1.5 will forward\r\n"), .read, .send("354 go on\r\n"), .readData,
                .send("250 2.0.0 queued as 42\r\n"), .read, .send("221 bye\r\n"),
            ], transcript: { transcript.append($0.description) }
        ) { client in
            XCTAssertEqual(try client.readGreeting().code, 220)
            let extensions = try client.hello()
            XCTAssertEqual(extensions.sizeLimit, 1_000_000)
            XCTAssertTrue(extensions.enhancedStatusCodes)
            delivery = try client.send(from: "a@example.org", to: ["b@example.org", "c@example.org"], size: 100) {
                try $0.write("Subject: hi\n\n.leading dot\nlast")
            }
        }
        XCTAssertEqual(
            received,
            [
                "EHLO client.test", "MAIL FROM:<a@example.org> SIZE=100", "RCPT TO:<b@example.org>",
                "RCPT TO:<c@example.org>", "DATA", "Subject: hi\r\n\r\n..leading dot\r\nlast\r\n.\r\n", "QUIT",
            ])
        XCTAssertEqual(delivery?.accepted, ["b@example.org", "c@example.org"])
        XCTAssertEqual(delivery?.refused, [])
        XCTAssertEqual(delivery?.reply.enhancedCode, "2.0.0")
        XCTAssertEqual(
            transcript.suffix(7),
            [
                "C: DATA", "S: 354 go on", "C: (36 octets of message data)", "C: .", "S: 250 2.0.0 queued as 42",
                "C: QUIT", "S: 221 bye",
            ])
    }

    func testEHLORefusedFallsBackToHELO() throws {
        let received = try dialogue([
            Self.greeting, .read, .send("502 5.5.1 EHLO unknown\r\n"), .read, .send("250 mx.test\r\n"), .read,
            .send("550 not today\r\n"),
        ]) { client in
            try client.readGreeting()
            XCTAssertEqual(try client.hello(), SMTPExtensions())
            // No SIZE offered: none given.
            XCTAssertThrowsError(try client.send(from: "", to: ["b@x.test"], size: 10, body: message("x")))
        }
        XCTAssertEqual(received.prefix(3), ["EHLO client.test", "HELO client.test", "MAIL FROM:<>"])
    }

    func testEHLOAndHELORefused() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, .send("500 no\r\n"), .read, .send("550 5.7.1 go away\r\n"),
        ]) { client in
            try client.readGreeting()
            error = failure { try client.hello() }
        }
        guard case .heloRefused(let reply) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(reply.code, 550)
        XCTAssertEqual(error?.description, "EHLO and HELO refused: 550 5.7.1 go away")
        XCTAssertEqual(received, ["EHLO client.test", "HELO client.test", "QUIT"])
    }

    func testEHLOAnswered421EndsTheDialogue() throws {
        var error: SMTPError?
        let received = try dialogue([Self.greeting, .read, .send("421 4.3.2 shutting down\r\n")]) { client in
            try client.readGreeting()
            error = failure { try client.hello() }
        }
        guard case .serviceClosing(.hello, let reply) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(reply.code, 421)
        XCTAssertEqual(error?.description, "the server is closing the connection (EHLO): 421 4.3.2 shutting down")
        // After 421 the server is gone: no QUIT.
        XCTAssertEqual(received, ["EHLO client.test"])
    }

    /// 554 waits for QUIT (RFC 5321 section 3.1); 421 closes at once.
    func testGreetingRefused() throws {
        var error: SMTPError?
        let received = try dialogue([.send("554 5.3.2 no service here\r\n")]) { client in
            error = failure { try client.readGreeting() }
        }
        XCTAssertEqual(error?.description, "the server refused the connection: 554 5.3.2 no service here")
        XCTAssertEqual(received, ["QUIT"])
        let closing = try dialogue([.send("421 4.3.2 busy\r\n")]) { client in
            error = failure { try client.readGreeting() }
        }
        XCTAssertEqual(error?.description, "the server is closing the connection (greeting): 421 4.3.2 busy")
        XCTAssertEqual(closing, [])
    }

    func testSenderRefused() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("553 5.1.8 sender address rejected\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"], body: message("x")) }
        }
        XCTAssertEqual(error?.description, "MAIL FROM refused: 553 5.1.8 sender address rejected")
        XCTAssertEqual(error?.reply?.enhancedCode, "5.1.8")
        XCTAssertEqual(received, ["EHLO client.test", "MAIL FROM:<a@x.test>", "QUIT"])
    }

    func testOneOfTwoRecipientsRefused() throws {
        var delivery: SMTPDelivery?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("250 ok\r\n"), .read, .send("550 5.1.1 no such user\r\n"),
            .read, .send("250 ok\r\n"), .read, .send("354 go\r\n"), .readData, .send("250 queued\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            delivery = try client.send(from: "a@x.test", to: ["nobody@x.test", "b@x.test"], body: message("hi\r\n"))
        }
        XCTAssertEqual(delivery?.accepted, ["b@x.test"])
        XCTAssertEqual(delivery?.refused.map(\.description), ["<nobody@x.test>: 550 5.1.1 no such user"])
        XCTAssertEqual(received[4...], ["DATA", "hi\r\n.\r\n", "QUIT"])
    }

    func testEveryRecipientRefusedSendsNoData() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("250 ok\r\n"), .read, .send("550 5.1.1 no such user\r\n"),
            .read, .send("450 4.2.1 try later\r\n"), .read, .send("250 reset\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test", "c@x.test"], body: message("x")) }
        }
        guard case .recipientsRefused(let refused) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(refused.map(\.address), ["b@x.test", "c@x.test"])
        XCTAssertEqual(refused.map(\.reply.code), [550, 450])
        XCTAssertEqual(
            error?.description,
            "every recipient refused: <b@x.test>: 550 5.1.1 no such user; <c@x.test>: 450 4.2.1 try later")
        XCTAssertEqual(
            received,
            ["EHLO client.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@x.test>", "RCPT TO:<c@x.test>", "RSET", "QUIT"])
    }

    func testRecipientAnswered421EndsTheDialogue() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("250 ok\r\n"), .read, .send("250 ok\r\n"), .read,
            .send("421 4.4.5 too busy, closing\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test", "c@x.test"], body: message("x")) }
        }
        guard case .serviceClosing(.recipient, let reply) = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(reply.code, 421)
        XCTAssertEqual(received.last, "RCPT TO:<c@x.test>", "no DATA, no QUIT")
    }

    func testDataRefused() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("250 ok\r\n"), .read, .send("250 ok\r\n"), .read,
            .send("554 5.5.1 no valid recipients\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"], body: message("never sent")) }
        }
        XCTAssertEqual(error?.description, "DATA refused: 554 5.5.1 no valid recipients")
        XCTAssertEqual(received.suffix(2), ["DATA", "QUIT"])
    }

    func testMessageRefusedAfterTheData() throws {
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("250 ok\r\n"), .read, .send("250 ok\r\n"), .read,
            .send("354 go\r\n"), .readData, .send("552 5.3.4 message too big\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"], body: message("body")) }
        }
        XCTAssertEqual(error?.description, "message refused after the data: 552 5.3.4 message too big")
        XCTAssertEqual(received.suffix(3), ["DATA", "body\r\n.\r\n", "QUIT"])
    }

    func testServerClosesMidDialogue() throws {
        var error: SMTPError?
        let received = try dialogue([Self.greeting, .read, Self.ehlo, .read, .close]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"], body: message("x")) }
        }
        guard case .serverDisconnected(.mailFrom) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(error?.description, "the server closed the connection (MAIL FROM)")
        XCTAssertEqual(received, ["EHLO client.test", "MAIL FROM:<a@x.test>"])
    }

    func testServerClosesInTheMiddleOfAReply() throws {
        var error: SMTPError?
        _ = try dialogue([Self.greeting, .read, .send("250-mx.test\r\n250-SIZE"), .close]) { client in
            try client.readGreeting()
            error = failure { try client.hello() }
        }
        guard case .serverDisconnected(.hello) = error else { return XCTFail("\(String(describing: error))") }
    }

    func testSlowServerTimesOutWithinTheTimeout() throws {
        var error: SMTPError?
        var waited = Duration.zero
        _ = try dialogue([Self.greeting, .read, .send("250-mx.test\r\n")], timeout: .milliseconds(300)) { client in
            try client.readGreeting()
            let started = MonotonicInstant.now
            error = failure { try client.hello() }
            waited = MonotonicInstant.now - started
        }
        guard case .timedOut(.hello) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(error?.description, "timed out waiting for the reply to EHLO")
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(300))
        XCTAssertLessThan(waited, .seconds(3))
    }

    func testMalformedReplies() throws {
        let cases: [(String, String)] = [
            ("220 ok\n", "a bare LF in a reply line"),
            ("220-one\r\n250 two\r\n", "a reply whose lines have different codes (220, then 250)"),
            ("OK\r\n", "a reply line without a reply code: \"OK\""),
            ("220 " + String(repeating: "x", count: 600) + "\r\n", "a reply line longer than 512 octets"),
            ("220 a\u{1}\r\n", "a control character (0x01) in a reply line"),
        ]
        for (greeting, reason) in cases {
            var error: SMTPError?
            let received = try dialogue([.send(greeting)]) { client in
                error = failure { try client.readGreeting() }
                guard case .unusable(.hello) = failure({ try client.hello() }) else {
                    return XCTFail("EHLO after a malformed reply")
                }
            }
            guard case .malformedReply(.greeting, let got) = error else {
                XCTFail("\(greeting.debugDescription): \(String(describing: error))")
                continue
            }
            XCTAssertEqual(got, reason)
            // The dialogue is in doubt: nothing more is sent, not even QUIT.
            XCTAssertEqual(received, [], greeting.debugDescription)
        }
    }

    func testUnexpectedReply() throws {
        var error: SMTPError?
        _ = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("250 ok\r\n"), .read, .send("354 what\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"], body: message("x")) }
        }
        XCTAssertEqual(error?.description, "unexpected reply to RCPT TO: 354 what")
    }

    func testInvalidArgumentsAreRefusedBeforeSending() throws {
        let bad = [
            ("a@x.test\r\nRCPT TO:<evil@x.test>", "b@x.test"), ("a@x.test", "b@x.test>"), ("<a@x.test", "b@x.test"),
            ("a@x.test", "b\u{0}@x.test"), ("a@x.test", String(repeating: "l", count: 65) + "@x.test"),
            ("a@x.test", "b@" + String(repeating: "d", count: 256)), ("a@x.test", "no-domain"), ("a@x.test", ""),
            ("a@x.test", "bé@x.test"),
        ]
        let received = try dialogue([Self.greeting, .read, Self.ehlo]) { client in
            try client.readGreeting()
            try client.hello()
            for (from, to) in bad {
                guard case .invalidArgument = failure({ try client.send(from: from, to: [to], body: message("x")) })
                else { return XCTFail("\(from) \(to) not refused") }
            }
            guard case .invalidArgument = failure({ try client.send(from: "a@x.test", to: [], body: message("x")) })
            else { return XCTFail("no recipients not refused") }
            guard case .invalidArgument = failure({ _ = try client.verify("a\nVRFY b") }) else {
                return XCTFail("a line break in VRFY not refused")
            }
        }
        XCTAssertEqual(received, ["EHLO client.test", "QUIT"])
    }

    func testMessageOverTheSizeLimitIsRefusedBeforeMAIL() throws {
        var error: SMTPError?
        let received = try dialogue([Self.greeting, .read, Self.ehlo]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"], size: 1_000_001, body: message("x")) }
        }
        guard case .messageTooLarge(1_000_001, 1_000_000) = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(received, ["EHLO client.test", "QUIT"])
    }

    func testABodyThatFailsIsNotEnded() throws {
        struct Unreadable: Error {}
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("250 ok\r\n"), .read, .send("250 ok\r\n"), .read,
            .send("354 go\r\n"), .readData,
        ]) { client in
            try client.readGreeting()
            try client.hello()
            error = failure {
                try client.send(from: "a@x.test", to: ["b@x.test"]) { writer in
                    try writer.write(String(repeating: "first part\r\n", count: 3000))
                    throw Unreadable()
                }
            }
        }
        guard case .bodyFailed = error else { return XCTFail("\(String(describing: error))") }
        // The connection ended inside the data: no "." and no QUIT.
        XCTAssertEqual(received.count, 5)
        XCTAssertEqual(received[3], "DATA")
        XCTAssertTrue(received[4].hasPrefix("first part\r\n"))
        XCTAssertFalse(received[4].hasSuffix("\r\n.\r\n"))
    }

    func testVerify() throws {
        var replies: [Int] = []
        var error: SMTPError?
        let received = try dialogue([
            Self.greeting, .read, Self.ehlo, .read, .send("252 2.1.5 cannot verify, will try\r\n"), .read,
            .send("550 5.1.1 unknown\r\n"),
        ]) { client in
            try client.readGreeting()
            try client.hello()
            replies.append(try client.verify("postmaster@x.test").code)
            error = failure { _ = try client.verify("nobody") }
        }
        XCTAssertEqual(replies, [252])
        XCTAssertEqual(error?.description, "VRFY refused: 550 5.1.1 unknown")
        XCTAssertEqual(received, ["EHLO client.test", "VRFY postmaster@x.test", "VRFY nobody", "QUIT"])
    }

    func testNoDescriptorIsLeft() throws {
        let before = try openDescriptorCount()
        for _ in 0..<3 {
            _ = try dialogue([Self.greeting, .read, Self.ehlo, .read, .send("221 bye\r\n")]) { client in
                try client.readGreeting()
                try client.hello()
            }
        }
        XCTAssertEqual(try openDescriptorCount(), before)
    }
}
