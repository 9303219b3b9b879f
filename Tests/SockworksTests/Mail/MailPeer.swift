import Foundation
import SystemPackage
import TestSupport

/// aiosmtpd on loopback (`Peer/mail_peer.py` under Debian's Python), the
/// real server the mail command's tests send to, and the certificates it
/// presents.
struct MailPeer {
    let port: UInt16
    let inbox: String
    let process: LiveProcess

    enum Security: String {
        case starttls, implicit, none
    }

    /// Waits for the `count`th message and reads it back.
    func message(_ count: Int = 1, timeout: Duration = .seconds(20)) async throws -> ReceivedMail {
        let base = "\(inbox)/\(count)"
        let arrived = try await waitUntil(timeout: timeout, pollingEvery: .milliseconds(20)) {
            fileExists(base + ".json")
        }
        guard arrived else { throw TestFailure("no message \(count) in the peer's inbox within \(timeout)") }
        let envelope = try JSONDecoder().decode(ReceivedEnvelope.self, from: Data(readFile(base + ".json")))
        let parsed = try await runProgram(PeerTool.python, [MailPeer.script("mail_parts.py"), base + ".eml"])
        guard parsed.exitCode == 0 else { throw TestFailure("mail_parts.py: \(parsed.standardError)") }
        let parts = try JSONDecoder().decode(ParsedMessage.self, from: Data(parsed.standardOutputBytes))
        return ReceivedMail(envelope: envelope, parsed: parts, raw: try readFile(base + ".eml"))
    }

    /// How many messages the peer has kept so far.
    var messageCount: Int {
        directoryEntries(inbox).filter { $0.hasSuffix(".json") }.count
    }

    static func script(_ name: String) -> String {
        "\(#filePath)".replacing("MailPeer.swift", with: "Peer/\(name)")
    }
}

/// Starts the peer with `security` (and AUTH required when `user` is
/// given), hands it to `body`, and stops it.
func withMailPeer<Value: Sendable>(
    _ security: MailPeer.Security, certificates: TestCertificates? = nil, user: String? = nil,
    password: String? = nil, _ body: (MailPeer) async throws -> Value
) async throws -> Value {
    try PeerTool.require(PeerTool.python)
    let inbox = try TemporaryFolder(prefix: "sockworks-mail-inbox")
    defer { inbox.remove() }
    var arguments = [MailPeer.script("mail_peer.py"), "--out", inbox.path, "--tls", security.rawValue]
    if let certificates {
        arguments += ["--cert", certificates.serverCertificate, "--key", certificates.serverKey]
    }
    if let user, let password { arguments += ["--user", user, "--password", password] }
    let (value, _) = try await withProgram(PeerTool.python, arguments) { process in
        let line = try await process.firstLine(timeout: .seconds(30))
        guard let line, line.hasPrefix("listening on "), let port = UInt16(line.dropFirst("listening on ".count))
        else {
            throw TestFailure("mail_peer.py did not start: \(line ?? "no output")")
        }
        let value = try await body(MailPeer(port: port, inbox: inbox.path, process: process))
        _ = try await process.stop(timeout: .seconds(10))
        return value
    }
    return value
}

/// A self-signed certificate for localhost and 127.0.0.1 (the CA file the
/// client is given), and one for another name, made with `openssl req`.
struct TestCertificates: Sendable {
    let folder: String
    var serverCertificate: String { folder + "/server.pem" }
    var serverKey: String { folder + "/server.key" }
    var otherNameCertificate: String { folder + "/other.pem" }
    var otherNameKey: String { folder + "/other.key" }

    static func make(in folder: TemporaryFolder) async throws -> TestCertificates {
        let certificates = TestCertificates(folder: folder.path)
        try await certificates.make("server", subject: "localhost", names: "DNS:localhost,IP:127.0.0.1")
        try await certificates.make("other", subject: "other.test", names: "DNS:other.test")
        return certificates
    }

    private func make(_ name: String, subject: String, names: String) async throws {
        let run = try await runProgram(
            FilePath("/usr/bin/openssl"),
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(subject)",
                "-addext", "subjectAltName=\(names)", "-keyout", "\(folder)/\(name).key", "-out",
                "\(folder)/\(name).pem",
            ], timeout: .seconds(60))
        guard run.exitCode == 0 else { throw TestFailure("openssl req: \(run.standardError)") }
    }
}

/// What the peer wrote beside a message: the envelope and the session.
struct ReceivedEnvelope: Decodable {
    let mail_from: String
    let rcpt_tos: [String]
    let mail_options: [String]
    let tls: Bool
    let authenticated: Bool
}

/// A received message as Python's `email` package reads it
/// (`Peer/mail_parts.py`).
struct ParsedMessage: Decodable {
    struct Headers: Decodable {
        let subject: String?
        let from: String
        let to: String?
        let cc: String?
        let has_bcc: Bool
        let has_date: Bool
        let has_message_id: Bool
        let mime_version: String?
        let longest_line: Int
        let bare_lf: Int
    }
    struct Part: Decodable {
        let content_type: String
        let charset: String?
        let transfer_encoding: String?
        let disposition: String?
        let filename: String?
        let content_id: String?
        let sha256: String
        let size: Int
        let text: String?
    }
    let headers: Headers
    let parts: [Part]
    let defects: [String]
}

struct ReceivedMail {
    let envelope: ReceivedEnvelope
    let parsed: ParsedMessage
    let raw: [UInt8]
}

/// The SHA-256 of a file in hex, as `sha256sum` prints it.
func sha256(of path: String) async throws -> String {
    let run = try await runProgram(FilePath("/usr/bin/sha256sum"), [path])
    guard run.exitCode == 0, let digest = run.standardOutput.split(separator: " ").first else {
        throw TestFailure("sha256sum \(path): \(run.standardError)")
    }
    return String(digest)
}

/// Runs `Peer/hostile_smtp.py MODE` for one connection and hands `body`
/// its port; returns what the server received, line by line.
func withHostileSMTPServer(_ mode: String, _ body: (UInt16) async throws -> Void) async throws -> String {
    try PeerTool.require(PeerTool.python)
    let folder = try TemporaryFolder(prefix: "sockworks-hostile-smtp")
    defer { folder.remove() }
    let log = folder.file("received")
    let (_, _) = try await withProgram(PeerTool.python, [MailPeer.script("hostile_smtp.py"), mode, "--log", log]) {
        process in
        let line = try await process.firstLine(timeout: .seconds(30))
        guard let line, line.hasPrefix("listening on "), let port = UInt16(line.dropFirst("listening on ".count))
        else {
            throw TestFailure("hostile_smtp.py did not start: \(line ?? "no output")")
        }
        try await body(port)
        _ = try await process.waitForExit(timeout: .seconds(10))
    }
    return fileExists(log) ? String(decoding: try readFile(log), as: UTF8.self) : ""
}
