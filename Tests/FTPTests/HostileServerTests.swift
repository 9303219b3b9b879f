import FTP
import TestSupport
import XCTest

/// The client against scripted servers: replies too long or malformed, a
/// server that goes quiet or closes, and the bytes of TYPE A on the wire.
final class HostileServerTests: XCTestCase {
    private let login: [ScriptedFTPServer.Step] = [
        .send("220 ready\r\n"), .read, .send("331 password\r\n"), .read, .send("230 in\r\n"), .read,
        .send("211-Features:\r\n EPSV\r\n MLST type*;size*;\r\n211 End\r\n"),
    ]

    /// Connects, logs in, and runs `body`; returns what the server read.
    private func run(
        _ steps: [ScriptedFTPServer.Step], timeout: Duration = .seconds(5), loggingIn: Bool = true,
        _ body: @escaping @Sendable (FTPClient) throws -> Void
    ) async throws -> [String] {
        let server = try ScriptedFTPServer((loggingIn ? login : []) + steps)
        let port = server.port
        try await onOwnThread {
            let client = try FTPClient.connect(
                host: "127.0.0.1", port: port, options: FTPClientOptions(timeout: timeout))
            defer { client.quit() }
            if loggingIn { try client.login(user: "u", password: "p") }
            try body(client)
        }
        return try server.received()
    }

    private func assertMalformed(
        _ steps: [ScriptedFTPServer.Step], _ reason: String, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        _ = try await run(steps) { client in
            XCTAssertThrowsError(try client.currentDirectory(), file: file, line: line) { error in
                guard case .malformedReply(.printDirectory, let why) = error as? FTPError else {
                    return XCTFail("\(error)", file: file, line: line)
                }
                XCTAssertTrue(why.contains(reason), "\(why)", file: file, line: line)
            }
            // The dialogue is over: nothing more is sent.
            XCTAssertThrowsError(try client.currentDirectory(), file: file, line: line) { error in
                guard case .unusable = error as? FTPError else { return XCTFail("\(error)", file: file, line: line) }
            }
        }
    }

    func testReplyLineTooLong() async throws {
        try await assertMalformed(
            [.read, .send("257 \"" + String(repeating: "a", count: 9000) + "\"\r\n")], "longer than")
    }

    func testReplyLineWithoutCode() async throws {
        try await assertMalformed([.read, .send("hello\r\n")], "without a reply code")
    }

    func testBareLF() async throws {
        try await assertMalformed([.read, .send("257 \"/\"\n")], "bare LF")
    }

    func testMultiLineReplyWhoseLastLineHasAnotherCode() async throws {
        try await assertMalformed([.read, .send("257-first\r\n258 \"/\"\r\n")], "another code")
    }

    func testEndlessMultiLineReply() async throws {
        try await assertMalformed(
            [.read, .send("257-first\r\n" + String(repeating: " more\r\n", count: 600) + "257 \"/\"\r\n")],
            "more than 500 lines")
    }

    func testControlCharacterInReply() async throws {
        try await assertMalformed([.read, .send("257 \"/\u{1B}[2J\"\r\n")], "control character")
    }

    func testMultiLineReplyAndQuotedPath() async throws {
        let received = try await run([.read, .send("257-\"/x\"\"y\" is it\r\n 257 text\r\n257-more\r\n257 end\r\n")]) {
            client in
            XCTAssertEqual(try client.currentDirectory(), "/x\"y")
        }
        XCTAssertEqual(received.suffix(2), ["PWD", "QUIT"])
    }

    func testQuietServerTimesOut() async throws {
        let started = ContinuousClock.now
        _ = try await run([.read], timeout: .milliseconds(300)) { client in
            XCTAssertThrowsError(try client.currentDirectory()) { error in
                guard case .timedOut(.printDirectory) = error as? FTPError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
    }

    func testServerClosingWith421() async throws {
        _ = try await run([.read, .send("421 going down\r\n"), .close]) { client in
            XCTAssertThrowsError(try client.changeDirectory("x")) { error in
                guard case .serviceClosing(.changeDirectory, let reply) = error as? FTPError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(reply.code, 421)
            }
            XCTAssertThrowsError(try client.currentDirectory()) { error in
                guard case .unusable = error as? FTPError else { return XCTFail("\(error)") }
            }
        }
    }

    func testGreetingRefused() async throws {
        let server = try ScriptedFTPServer([.send("530 not you\r\n"), .close])
        let port = server.port
        try await onOwnThread {
            XCTAssertThrowsError(try FTPClient.connect(host: "127.0.0.1", port: port, options: FTPClientOptions())) {
                error in
                guard case .refused(.greeting, let reply) = error as? FTPError else { return XCTFail("\(error)") }
                XCTAssertEqual(reply.code, 530)
            }
        }
        XCTAssertEqual(try server.received(), [])
    }

    /// A 227 that names 127.0.0.9: the client connects to 127.0.0.1, the
    /// control connection's peer, at the port named.
    func testPassiveAddressIsNotUsed() async throws {
        let received = try await run([
            .read, .send("200 I\r\n"), .read, .send("500 no EPSV\r\n"), .read,
            .send("227 Entering Passive Mode (127,0,0,9,{p1},{p2})\r\n"), .read,
            .send("150 here\r\n"), .sendData(Array("a\r\nb\r\n".utf8)), .send("226 done\r\n"),
        ]) { client in
            var bytes: [UInt8] = []
            try client.retrieve("f") { bytes.append(contentsOf: $0) }
            XCTAssertEqual(bytes, Array("a\r\nb\r\n".utf8))
        }
        XCTAssertEqual(Array(received.dropFirst(3).prefix(4)), ["TYPE I", "EPSV", "PASV", "RETR f"])
    }

    /// TYPE A: LF locally, CR LF on the wire, both ways.
    func testASCIIOnTheWire() async throws {
        let received = try await run([
            .read, .send("200 A\r\n"), .read, .send("229 ok (|||{port}|)\r\n"), .read, .send("150 go\r\n"),
            .readData, .send("226 stored\r\n"),
            .read, .send("229 ok (|||{port}|)\r\n"), .read, .send("150 go\r\n"),
            .sendData(Array("x\r\ny\r\r\n\rz\r".utf8)), .send("226 sent\r\n"),
        ]) { client in
            let text = Array("one\ntwo\r\nthree\n".utf8)
            var offset = 0
            try client.store("t", type: .ascii) { buffer in
                let count = min(3, text.count - offset)
                text[offset..<offset + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
                offset += count
                return count
            }
            var bytes: [UInt8] = []
            try client.retrieve("t", type: .ascii) { bytes.append(contentsOf: $0) }
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "x\ny\r\n\rz\r")
        }
        XCTAssertEqual(Array(received[3...7]), ["TYPE A", "EPSV", "STOR t", "one\r\ntwo\r\nthree\r\n", "EPSV"])
    }

    func testTransferWithoutFinalReplyEndsTheDialogue() async throws {
        _ = try await run(
            [
                .read, .send("200 I\r\n"), .read, .send("229 ok (|||{port}|)\r\n"), .read, .send("150 go\r\n"),
                .sendData([1, 2, 3]), .send("226-almost\r\n"), .close,
            ]
        ) { client in
            XCTAssertThrowsError(try client.retrieve("f") { _ in }) { error in
                guard case .serverDisconnected(.retrieve) = error as? FTPError else { return XCTFail("\(error)") }
            }
        }
    }
}
