import Glibc
import TestSupport
import XCTest

/// `sockworks mail` against aiosmtpd on loopback: what arrives is parsed
/// back with Python's `email` package and compared part by part.
final class MailCommandTests: XCTestCase {
    private var folder: TemporaryFolder!
    private var certificates: TestCertificates!

    override func setUp() async throws {
        folder = try TemporaryFolder(prefix: "sockworks-mail")
        certificates = try await TestCertificates.make(in: folder)
    }

    override func tearDown() {
        folder.remove()
    }

    private func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder.file(name)
        try writeFile(path, bytes)
        return path
    }

    private func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    private func mail(_ peer: MailPeer, _ arguments: [String], timeout: Duration = .seconds(60)) async throws
        -> ProcessRun
    {
        try await runSockworks(["mail", "--server", "127.0.0.1:\(peer.port)"] + arguments, timeout: timeout)
    }

    func testStartTLSWithAuthDeliversEveryPartIntact() async throws {
        let text = ".a line that starts with a period\n..two of them\nplain line\n.\nlast line without end"
        let html = "<html><body><p>Hello</p><img src=\"cid:pic.png\"></body></html>\n"
        let png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + randomBytes(50_000)
        let inline = [0x89, 0x50, 0x4E, 0x47] + randomBytes(3_000)
        let arguments = try [
            "--from", "Zoë Sender <sender@example.test>", "--to", "rcpt@example.test", "--cc", "copy@example.test",
            "--bcc", "hidden@example.test", "--subject", "Grüße aus Köln, a subject long enough to be folded ✓",
            "--body-file", write("body.txt", text), "--html-file", write("body.html", html),
            "--attach", write("chart.png", png), "--inline", write("pic.png", inline),
            "--user", "alice", "--password-file", write("password", "s3cret\n"),
            "--cafile", certificates.serverCertificate,
        ]
        try await withMailPeer(.starttls, certificates: certificates, user: "alice", password: "s3cret") { peer in
            let run = try await mail(peer, arguments)
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            let received = try await peer.message()
            XCTAssertTrue(received.envelope.tls)
            XCTAssertTrue(received.envelope.authenticated)
            XCTAssertEqual(received.envelope.mail_from, "sender@example.test")
            XCTAssertEqual(
                Set(received.envelope.rcpt_tos), ["rcpt@example.test", "copy@example.test", "hidden@example.test"])
            let headers = received.parsed.headers
            XCTAssertEqual(headers.subject, "Grüße aus Köln, a subject long enough to be folded ✓")
            XCTAssertEqual(headers.from, "Zoë Sender <sender@example.test>")
            XCTAssertEqual(headers.to, "rcpt@example.test")
            XCTAssertEqual(headers.cc, "copy@example.test")
            XCTAssertFalse(headers.has_bcc)
            XCTAssertTrue(headers.has_date)
            XCTAssertTrue(headers.has_message_id)
            XCTAssertEqual(headers.mime_version, "1.0")
            XCTAssertEqual(headers.bare_lf, 0)
            XCTAssertLessThanOrEqual(headers.longest_line, 998)
            XCTAssertEqual(received.parsed.defects, [])
            let parts = received.parsed.parts
            let plain = try XCTUnwrap(parts.first { $0.content_type == "text/plain" })
            // Line for line, CRLF on the wire; the text's lack of a last
            // line end is kept.
            XCTAssertEqual(plain.text, text.replacing("\n", with: "\r\n"))
            let htmlPart = try XCTUnwrap(parts.first { $0.content_type == "text/html" })
            XCTAssertEqual(htmlPart.text?.replacing("\r\n", with: "\n"), html)
            let attachment = try XCTUnwrap(parts.first { $0.filename == "chart.png" })
            XCTAssertEqual(attachment.content_type, "image/png")
            XCTAssertEqual(attachment.disposition, "attachment")
            let chartDigest = try await sha256(of: folder.file("chart.png"))
            XCTAssertEqual(attachment.sha256, chartDigest)
            let image = try XCTUnwrap(parts.first { $0.filename == "pic.png" })
            XCTAssertEqual(image.disposition, "inline")
            XCTAssertEqual(image.content_id, "<pic.png>")
            let imageDigest = try await sha256(of: folder.file("pic.png"))
            XCTAssertEqual(image.sha256, imageDigest)
        }
    }

    func testImplicitTLSFromTheFirstByte() async throws {
        try await withMailPeer(.implicit, certificates: certificates) { peer in
            let run = try await mail(
                peer,
                [
                    "--tls", "implicit", "--cafile", certificates.serverCertificate, "--from", "a@example.test",
                    "--to", "b@example.test", "--subject", "implicit",
                ])
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            let received = try await peer.message()
            XCTAssertTrue(received.envelope.tls)
            XCTAssertEqual(received.parsed.headers.subject, "implicit")
        }
    }

    func testAServerWithoutSTARTTLSGetsNothingUnlessPlainTextIsAskedFor() async throws {
        try await withMailPeer(.none) { peer in
            let refused = try await mail(peer, ["--from", "a@example.test", "--to", "b@example.test"])
            XCTAssertEqual(refused.exitCode, 1, refused.standardError)
            XCTAssertTrue(refused.standardError.contains("STARTTLS"), refused.standardError)
            XCTAssertEqual(peer.messageCount, 0)

            let plain = try await mail(peer, ["--tls", "none", "--from", "a@example.test", "--to", "b@example.test"])
            XCTAssertEqual(plain.exitCode, 0, plain.standardError)
            let received = try await peer.message()
            XCTAssertFalse(received.envelope.tls)
        }
    }

    func testACertificateForAnotherNameIsRefused() async throws {
        let other = TestCertificates(folder: certificates.folder)
        let swapped = try TemporaryFolder(prefix: "sockworks-mail-other")
        defer { swapped.remove() }
        // The peer presents the other name's certificate as its own.
        try writeFile(swapped.file("server.pem"), readFile(other.otherNameCertificate))
        try writeFile(swapped.file("server.key"), readFile(other.otherNameKey))
        let presented = TestCertificates(folder: swapped.path)
        try await withMailPeer(.starttls, certificates: presented) { peer in
            let refused = try await mail(
                peer,
                ["--cafile", presented.serverCertificate, "--from", "a@example.test", "--to", "b@example.test"])
            XCTAssertEqual(refused.exitCode, 1, refused.standardError)
            XCTAssertTrue(refused.standardError.lowercased().contains("certificate"), refused.standardError)
            XCTAssertEqual(peer.messageCount, 0)

            let insecure = try await mail(peer, ["--insecure", "--from", "a@example.test", "--to", "b@example.test"])
            XCTAssertEqual(insecure.exitCode, 0, insecure.standardError)
        }
    }

    func testARefusedRecipientIsNamedAndTheOthersStillGetTheMail() async throws {
        try await withMailPeer(.none) { peer in
            let run = try await mail(
                peer,
                ["--tls", "none", "--from", "a@example.test", "--to", "refused@example.test", "--to", "b@example.test"])
            XCTAssertEqual(run.exitCode, 1, run.standardError)
            XCTAssertTrue(run.standardError.contains("refused@example.test"), run.standardError)
            XCTAssertTrue(run.standardError.contains("550"), run.standardError)
            let received = try await peer.message()
            XCTAssertEqual(received.envelope.rcpt_tos, ["b@example.test"])
        }
    }

    func testWhenEveryRecipientIsRefusedNoMailIsSent() async throws {
        try await withMailPeer(.none) { peer in
            let run = try await mail(
                peer,
                [
                    "--tls", "none", "--from", "a@example.test", "--to", "refused-1@example.test", "--cc",
                    "refused-2@example.test",
                ])
            XCTAssertEqual(run.exitCode, 1, run.standardError)
            let lines = run.standardError.split(separator: "\n")
            XCTAssertEqual(lines.count, 3, run.standardError)
            XCTAssertTrue(lines.contains { $0.contains("<refused-1@example.test>: 550") }, run.standardError)
            XCTAssertTrue(lines.contains { $0.contains("<refused-2@example.test>: 550") }, run.standardError)
            XCTAssertTrue(run.standardError.contains("no mail sent"), run.standardError)
            XCTAssertEqual(peer.messageCount, 0)
        }
    }

    func testARefusedSenderNamesTheStageCodeAndText() async throws {
        try await withMailPeer(.none) { peer in
            let run = try await mail(
                peer, ["--tls", "none", "--from", "refused@example.test", "--to", "b@example.test"])
            XCTAssertEqual(run.exitCode, 1, run.standardError)
            XCTAssertTrue(run.standardError.contains("MAIL FROM"), run.standardError)
            XCTAssertTrue(run.standardError.contains("553"), run.standardError)
            XCTAssertTrue(run.standardError.contains("sender refused by the test peer"), run.standardError)
            XCTAssertEqual(peer.messageCount, 0)
        }
    }

    func testAWrongPasswordIsAnAuthenticationFailure() async throws {
        try await withMailPeer(.starttls, certificates: certificates, user: "alice", password: "right") { peer in
            let run = try await mail(
                peer,
                [
                    "--cafile", certificates.serverCertificate, "--user", "alice", "--password-file",
                    write("wrong", "wrong\n"), "--from", "a@example.test", "--to", "b@example.test",
                ])
            XCTAssertEqual(run.exitCode, 1, run.standardError)
            XCTAssertTrue(run.standardError.contains("535"), run.standardError)
            XCTAssertEqual(peer.messageCount, 0)
        }
    }

    func testVerboseShowsTheDialogueWithThePasswordMasked() async throws {
        try await withMailPeer(.starttls, certificates: certificates, user: "alice", password: "s3cret") { peer in
            let run = try await mail(
                peer,
                [
                    "-v", "--cafile", certificates.serverCertificate, "--user", "alice", "--password-file",
                    write("password", "s3cret\n"), "--from", "a@example.test", "--to", "b@example.test",
                ])
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            for line in ["EHLO", "STARTTLS", "AUTH", "MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "QUIT"] {
                XCTAssertTrue(run.standardError.contains(line), "no \(line) in \(run.standardError)")
            }
            XCTAssertFalse(run.standardError.contains("s3cret"))
            // The base64 of "\0alice\0s3cret", AUTH PLAIN's secret.
            XCTAssertFalse(run.standardError.contains("AGFsaWNlAHMzY3JldA"))
        }
    }

    func testVerifyAsksAboutOneAddress() async throws {
        try await withMailPeer(.none) { peer in
            let run = try await mail(peer, ["--tls", "none", "--verify", "someone@example.test"])
            // aiosmtpd cannot verify, but will accept: 252 (RFC 5321 section 3.5.3).
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            XCTAssertTrue(run.standardOutput.contains("252"), run.standardOutput)
        }
    }

    func testHeaderInjectionIsRefusedBeforeConnecting() async throws {
        let listener = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        defer { listener.close() }
        let port = try listener.bind()
        XCTAssertEqual(listen(listener.fd, 8), 0)
        let server = "127.0.0.1:\(port)"
        let cases: [[String]] = [
            ["--subject", "hello\r\nBcc: victim@example.test"],
            ["--subject", "hello\nX-Injected: yes"],
            ["--to", "b@example.test\r\nRCPT TO:<victim@example.test>"],
            ["--cc", "c@example.test\n"],
            ["--from", "Name\r\n <a@example.test>"],
        ]
        for extra in cases {
            var arguments = ["mail", "--server", server, "--tls", "none"]
            if !extra.contains("--from") { arguments += ["--from", "a@example.test"] }
            if !extra.contains("--to") { arguments += ["--to", "b@example.test"] }
            let run = try await runSockworks(arguments + extra)
            XCTAssertEqual(run.exitCode, 2, "\(extra): \(run.standardError)")
            XCTAssertTrue(run.standardError.contains("CR") || run.standardError.contains("LF"), run.standardError)
        }
        try listener.setNonBlocking()
        XCTAssertEqual(accept(listener.fd, nil, nil), -1, "a refused command connected")
    }

    func testBadArgumentsExitTwo() async throws {
        let cases: [[String]] = [
            ["--server", "127.0.0.1:0", "--from", "a@example.test", "--to", "b@example.test"],
            ["--server", "::1", "--from", "a@example.test", "--to", "b@example.test"],
            ["--server", "127.0.0.1", "--to", "b@example.test"],
            ["--server", "127.0.0.1", "--from", "a@example.test"],
            ["--server", "127.0.0.1", "--from", "a@example.test", "--to", "no-at-sign"],
            ["--server", "127.0.0.1", "--from", "a@example.test", "--to", "b@example.test", "--user", "u"],
            [
                "--server", "127.0.0.1", "--from", "a@example.test", "--to", "b@example.test", "--tls", "none",
                "--insecure",
            ],
            [
                "--server", "127.0.0.1", "--from", "a@example.test", "--to", "b@example.test", "--attach",
                folder.file("missing.png"),
            ],
        ]
        for arguments in cases {
            let run = try await runSockworks(["mail"] + arguments)
            XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.standardError)")
            XCTAssertTrue(run.standardError.hasPrefix("sockworks: "), run.standardError)
        }
    }
}
