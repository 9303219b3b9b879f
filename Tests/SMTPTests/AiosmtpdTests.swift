import Foundation
import SocketCore
import Streams
import TestSupport
import XCTest

@testable import SMTP

/// The client against a real server: aiosmtpd (Debian's python3-aiosmtpd,
/// `Peers/smtp_sink.py`), without TLS, which writes what it receives to
/// files the test reads back.
final class AiosmtpdTests: XCTestCase {
    /// Runs `body` with a client connected to a fresh aiosmtpd, greeted and
    /// past EHLO; returns the folder's messages (data, envelope JSON) in the
    /// order received.
    private func withAiosmtpd(
        auth: Bool = false, _ body: @escaping @Sendable (SMTPClient) throws -> Void
    ) async throws -> [(data: [UInt8], envelope: [String: Any])] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let port = try unusedTCPPort()
        let script = "\(#filePath)".replacing("AiosmtpdTests.swift", with: "Peers/smtp_sink.py")
        let (_, outcome) = try await withProgram(
            "/usr/bin/python3", [script, folder.path, String(port)] + (auth ? ["auth"] : [])
        ) { server in
            try await server.waitForOutput("ready\n")
            try await onOwnThread {
                let socket = try Socket(family: .ipv4, type: .stream)
                try socket.connect(to: .loopbackIPv4(port: port), timeout: .seconds(5))
                let client = SMTPClient(
                    stream: socket, options: SMTPClientOptions(timeout: .seconds(10), heloName: "client.test"))
                defer { client.quit() }
                try client.readGreeting()
                try client.hello()
                try body(client)
            }
        }
        XCTAssertTrue(outcome.leftRunning, "aiosmtpd ended early: \(outcome.standardError)")
        var messages: [(data: [UInt8], envelope: [String: Any])] = []
        for number in 1... {
            guard let data = FileManager.default.contents(atPath: folder.file("\(number).eml")),
                let facts = FileManager.default.contents(atPath: folder.file("\(number).json")),
                let envelope = try JSONSerialization.jsonObject(with: facts) as? [String: Any]
            else { break }
            messages.append((Array(data), envelope))
        }
        return messages
    }

    func testMessageWithLeadingDotsArrivesIntact() async throws {
        let text = "Subject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\n. space\r\nmiddle . dot\r\n...\r\nlast line\r\n"
        let messages = try await withAiosmtpd { client in
            XCTAssertEqual(client.extensions.sizeLimit, 33_554_432)
            let delivery = try client.send(from: "a@example.org", to: ["b@example.org"], size: text.utf8.count) {
                try $0.write(text)
            }
            XCTAssertEqual(delivery.accepted, ["b@example.org"])
            XCTAssertEqual(delivery.reply.description, "250 2.0.0 stored as 1")
        }
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(String(decoding: messages.first?.data ?? [], as: UTF8.self), text)
        XCTAssertEqual(messages.first?.envelope["from"] as? String, "a@example.org")
        XCTAssertEqual(messages.first?.envelope["to"] as? [String], ["b@example.org"])
        XCTAssertEqual(messages.first?.envelope["options"] as? [String], ["SIZE=\(text.utf8.count)"])
    }

    /// A message of a few MiB written in pieces that cut lines (and CR LF)
    /// anywhere, with bare LFs: it arrives with every line intact and ended
    /// CR LF.
    func testLargeMessageInOddPieces() async throws {
        var message: [UInt8] = Array("Subject: large\n\n".utf8)
        for line in 0..<40_000 {
            message += Array((line % 3 == 0 ? ".line \(line)" : "line \(line) of the message").utf8)
            message += line % 2 == 0 ? [0x0A] : [0x0D, 0x0A]
        }
        let sent = message
        let messages = try await withAiosmtpd { client in
            try client.send(from: "a@example.org", to: ["b@example.org"]) { writer in
                var offset = 0
                var piece = 1
                while offset < sent.count {
                    let end = min(sent.count, offset + piece)
                    try writer.write(Array(sent[offset..<end]))
                    offset = end
                    piece = piece * 7 % 65_521 + 1
                }
            }
        }
        let expected = String(decoding: sent, as: UTF8.self).replacing("\r\n", with: "\n").replacing("\n", with: "\r\n")
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(String(decoding: messages.first?.data ?? [], as: UTF8.self), expected)
    }

    func testRefusedRecipientAndTwoMailsOnOneConnection() async throws {
        let messages = try await withAiosmtpd { client in
            let first = try client.send(from: "a@example.org", to: ["refused@example.org", "b@example.org"]) {
                try $0.write("Subject: one\r\n\r\nfirst\r\n")
            }
            XCTAssertEqual(first.refused.map(\.description), ["<refused@example.org>: 550 5.1.1 no such user"])
            XCTAssertThrowsError(
                try client.send(from: "a@example.org", to: ["refuse-too@example.org"]) { try $0.write("x") }
            ) { error in
                guard case .recipientsRefused(let refused) = error as? SMTPError else { return XCTFail("\(error)") }
                XCTAssertEqual(refused.map(\.address), ["refuse-too@example.org"])
            }
            try client.send(from: "", to: ["c@example.org"]) { try $0.write("Subject: two\r\n\r\nsecond") }
            XCTAssertEqual(try client.verify("b@example.org").code, 252)
        }
        XCTAssertEqual(messages.map { $0.envelope["to"] as? [String] ?? [] }, [["b@example.org"], ["c@example.org"]])
        // aiosmtpd records the null reverse-path as its brackets.
        XCTAssertEqual(messages.last?.envelope["from"] as? String, "<>")
        XCTAssertEqual(String(decoding: messages.last?.data ?? [], as: UTF8.self), "Subject: two\r\n\r\nsecond\r\n")
    }

    func testAuthPlainAndLoginWithAiosmtpd() async throws {
        for mechanism in SMTPAuthMechanism.allCases {
            let messages = try await withAiosmtpd(auth: true) { client in
                XCTAssertThrowsError(try client.authenticate(user: "user", password: "wrong", mechanism: mechanism)) {
                    guard case .authRefused(let reply) = $0 as? SMTPError else { return XCTFail("\($0)") }
                    XCTAssertEqual(reply.code, 535)
                }
                try client.authenticate(user: "user", password: "secret", mechanism: mechanism)
                try client.send(from: "a@example.org", to: ["b@example.org"]) { try $0.write("authenticated\r\n") }
            }
            XCTAssertEqual(messages.count, 1, "\(mechanism)")
        }
    }
}
