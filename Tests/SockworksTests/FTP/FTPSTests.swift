import Glibc
import TestSupport
import XCTest

/// `sockworks ftp --tls` against vsftpd with `ssl_enable`,
/// `require_ssl_reuse` (every data connection must resume the control
/// connection's TLS session) and TLS required for the login and the data.
final class FTPSTests: XCTestCase {
    private var local: TemporaryFolder!
    private var certificates: TestCertificates!

    override func setUp() async throws {
        local = try TemporaryFolder(prefix: "sockworks-ftps")
        certificates = try await TestCertificates.make(in: local)
    }

    override func tearDown() {
        local.remove()
    }

    func testListGetAndPutOverTLSWithSessionReuse() async throws {
        try await withVsftpd(.init(tls: certificates)) { server in
            let original = randomBytes(3 << 20)
            try server.publish("secret.bin", original)
            let tls = ["--tls", "--cafile", certificates.serverCertificate]
            let list = try await runFTP(server, tls + ["-v", "ls", "pub"], in: local)
            XCTAssertEqual(list.exitCode, 0, list.standardError)
            XCTAssertTrue(list.standardOutput.contains("secret.bin"), list.standardOutput)
            for expected in ["C: AUTH TLS", "C: PBSZ 0", "C: PROT P"] {
                XCTAssertTrue(list.standardError.contains(expected + "\n"), list.standardError)
            }
            let get = try await runFTP(server, tls + ["get", "pub/secret.bin", local.file("secret.bin")], in: local)
            XCTAssertEqual(get.exitCode, 0, get.standardError)
            XCTAssertEqual(try readFile(local.file("secret.bin")), original)
            let put = try await runFTP(server, tls + ["put", local.file("secret.bin"), "pub/back.bin"], in: local)
            XCTAssertEqual(put.exitCode, 0, put.standardError)
            XCTAssertEqual(try readFile(server.published("back.bin")), original)
            let active = try await runFTP(server, tls + ["--active", "nlst", "pub"], in: local)
            XCTAssertEqual(active.exitCode, 0, active.standardError)
            XCTAssertEqual(active.standardOutput, "pub/back.bin\npub/secret.bin\n")
        }
    }

    func testPlainFTPAndAnUntrustedCertificateAreRefused() async throws {
        try await withVsftpd(.init(tls: certificates)) { server in
            let plain = try await runFTP(server, ["pwd"], in: local)
            XCTAssertEqual(plain.exitCode, 1)
            XCTAssertTrue(plain.standardError.contains("530"), plain.standardError)
            let untrusted = try await runFTP(server, ["--tls", "pwd"], in: local)
            XCTAssertEqual(untrusted.exitCode, 1)
            XCTAssertTrue(untrusted.standardError.contains("TLS"), untrusted.standardError)
            XCTAssertEqual(untrusted.standardOutput, "")
            let insecure = try await runFTP(server, ["--tls", "--insecure", "pwd"], in: local)
            XCTAssertEqual(insecure.exitCode, 0, insecure.standardError)
            XCTAssertEqual(insecure.standardOutput, "/\n")
        }
    }
}
