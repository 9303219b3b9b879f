import SocketCore
import Streams
import TestSupport
import XCTest

@testable import SMTP

/// PIPELINING (RFC 2920): the scripted server reads MAIL, every RCPT and
/// DATA before it answers any, so a client that waited for a reply between
/// them would time out instead.
final class SMTPPipeliningTests: XCTestCase {
    typealias Step = ScriptedSMTPServer.Step

    static let start: [Step] = [
        .send("220 mx.test\r\n"), .read, .send("250-mx.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n"),
    ]

    private func dialogue(_ steps: [Step], _ body: (SMTPClient) throws -> Void) throws -> [String] {
        let server = try ScriptedSMTPServer(Self.start + steps)
        let client = SMTPClient(
            stream: try server.connect(), options: SMTPClientOptions(timeout: .seconds(3), heloName: "client.test"))
        var failure: (any Error)?
        do {
            try client.readGreeting()
            XCTAssertTrue(try client.hello().pipelining)
            try body(client)
        } catch {
            failure = error
        }
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

    func testEnvelopeAndDATAGoOutTogether() throws {
        var delivery: SMTPDelivery?
        let received = try dialogue([
            .read, .read, .read, .read, .send("250 ok\r\n550 5.1.1 unknown\r\n250 ok\r\n354 go\r\n"), .readData,
            .send("250 queued\r\n"),
        ]) { client in
            delivery = try client.send(from: "a@x.test", to: ["nobody@x.test", "b@x.test"], size: 20) {
                try $0.write(".dot\n")
            }
        }
        XCTAssertEqual(
            received,
            [
                "EHLO client.test", "MAIL FROM:<a@x.test> SIZE=20", "RCPT TO:<nobody@x.test>", "RCPT TO:<b@x.test>",
                "DATA", "..dot\r\n.\r\n", "QUIT",
            ])
        XCTAssertEqual(delivery?.accepted, ["b@x.test"])
        XCTAssertEqual(delivery?.refused.map(\.address), ["nobody@x.test"])
    }

    /// After a refused MAIL every reply is still read, and the dialogue
    /// goes on in step.
    func testSenderRefusedKeepsTheDialogueInStep() throws {
        var error: SMTPError?
        var verified: SMTPReply?
        let received = try dialogue([
            .read, .read, .read, .send("553 5.1.8 bad sender\r\n503 need MAIL\r\n503 need MAIL\r\n"), .read,
            .send("250 <b@x.test>\r\n"),
        ]) { client in
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"]) { try $0.write("x") } }
            verified = try client.verify("b@x.test")
        }
        XCTAssertEqual(error?.description, "MAIL FROM refused: 553 5.1.8 bad sender")
        XCTAssertEqual(verified?.code, 250)
        XCTAssertEqual(
            received,
            ["EHLO client.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@x.test>", "DATA", "VRFY b@x.test", "QUIT"])
    }

    func testEveryRecipientRefusedAndDATARefused() throws {
        var error: SMTPError?
        let received = try dialogue([
            .read, .read, .read, .send("250 ok\r\n550 no\r\n554 no valid recipients\r\n"), .read, .send("250 ok\r\n"),
        ]) { client in
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"]) { try $0.write("x") } }
        }
        guard case .recipientsRefused(let refused) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(refused.map(\.reply.code), [550])
        XCTAssertEqual(received.suffix(3), ["DATA", "RSET", "QUIT"])
    }

    /// A server that says 354 with no recipient gets "." alone, no message.
    func testEveryRecipientRefusedYetDATAAccepted() throws {
        var error: SMTPError?
        let received = try dialogue([
            .read, .read, .read, .send("250 ok\r\n550 no\r\n354 go anyway\r\n"), .read,
            .send("554 no recipients\r\n"), .read, .send("250 ok\r\n"),
        ]) { client in
            error = failure { try client.send(from: "a@x.test", to: ["b@x.test"]) { try $0.write("secret") } }
        }
        guard case .recipientsRefused = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(received.suffix(4), ["DATA", ".", "RSET", "QUIT"])
    }
}
