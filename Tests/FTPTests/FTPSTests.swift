import FTP
import SocketCore
import TLS
import TestSupport
import XCTest

/// FTPS (RFC 4217) against pyftpdlib's TLS_FTPHandler, which requires TLS
/// on both connections and, in the script, that every data connection
/// resume the control connection's session (as vsftpd's require_ssl_reuse).
final class FTPSTests: XCTestCase {
    private static func certificate(in folder: TemporaryFolder) async throws -> (certificate: String, key: String) {
        try requireProgram("/usr/bin/openssl")
        let certificate = folder.file("server.pem")
        let key = folder.file("server.key")
        let run = try await runProgram(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ], timeout: .seconds(30))
        guard run.exitCode == 0 else { throw TestFailure("openssl: \(run.standardError)") }
        return (certificate, key)
    }

    func testTransfersOverTLSResumeTheControlSession() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftps")
        defer { folder.remove() }
        let (certificate, key) = try await Self.certificate(in: folder)
        let bytes = randomBytes(2_000_000)
        let (_, output) = try await Pyftpdlib.runShowingOutput(arguments: ["--tls", certificate, key]) { server in
            for mode in [FTPDataMode.passive, .active] {
                let transcript = TranscriptRecorder()
                var options = transcript.options(dataMode: mode)
                options.tls = TLSClientConfiguration(serverName: "127.0.0.1", verification: .caFile(certificate))
                try using(try server.client(options: options)) { client in
                    try storeAll(client, "up.bin", bytes, pieceSize: 100_000)
                    XCTAssertTrue(try readFile(server.file("up.bin")) == bytes, "the uploaded file differs")
                    XCTAssertTrue(try retrieveAll(client, "up.bin") == bytes, "the downloaded file differs")
                    XCTAssertEqual(try client.names(nil), ["up.bin"])
                    XCTAssertEqual(try client.entries(nil).first?.size, Int64(bytes.count))
                    try client.delete("up.bin")
                    // A whole file, read and encrypted a piece at a time
                    // (no sendfile under TLS).
                    try writeFile(folder.file("local.bin"), bytes)
                    var reported = 0
                    let sent = try client.store("file.bin", file: OpenFile(path: folder.file("local.bin"))) {
                        reported += $0
                    }
                    XCTAssertEqual(sent, Int64(bytes.count))
                    XCTAssertEqual(reported, bytes.count)
                    XCTAssertTrue(try readFile(server.file("file.bin")) == bytes, "the uploaded file differs")
                    // Into a local file: decrypted and written a piece at a
                    // time (no splice under TLS).
                    let local = folder.file("down-\(mode).bin")
                    try retrieveIntoFile(client, "file.bin", local, expecting: bytes)
                    try client.delete("file.bin")
                }
                XCTAssertEqual(
                    Array(transcript.sent.prefix(5)), ["AUTH TLS", "PBSZ 0", "PROT P", "USER alice", "PASS ****"])
            }
        }
        let lines = output.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 2 * 6, output)
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0 == "data session resumed" }, output)
    }

    func testUntrustedCertificateIsRefused() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftps")
        defer { folder.remove() }
        let (certificate, key) = try await Self.certificate(in: folder)
        try await Pyftpdlib.run(arguments: ["--tls", certificate, key]) { server in
            var options = FTPClientOptions(timeout: .seconds(10))
            options.tls = TLSClientConfiguration(serverName: "127.0.0.1", verification: .systemStore)
            XCTAssertThrowsError(try FTPClient.connect(host: "127.0.0.1", port: server.port, options: options)) {
                error in
                guard case .tlsFailed(let reason) = error as? FTPError else { return XCTFail("\(error)") }
                XCTAssertTrue(reason.contains("certificate"), reason)
            }
        }
    }

    /// Without TLS the server (which requires it) refuses the login, and the
    /// client says so rather than go on in the clear.
    func testPlainLoginToATLSOnlyServerIsRefused() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftps")
        defer { folder.remove() }
        let (certificate, key) = try await Self.certificate(in: folder)
        try await Pyftpdlib.run(arguments: ["--tls", certificate, key]) { server in
            XCTAssertThrowsError(try server.client()) { error in
                guard case .loginRefused = error as? FTPError else { return XCTFail("\(error)") }
            }
        }
    }
}
