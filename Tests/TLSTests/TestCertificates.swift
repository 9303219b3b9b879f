import Synchronization
import SystemPackage
import TestSupport

/// The certificates of the TLS tests, made once per run with the openssl
/// command in a temporary folder: a CA, a server certificate it signed for
/// localhost and 127.0.0.1, one it signed for another name, and a
/// self-signed one for localhost that no CA vouches for.
final class TestCertificates: Sendable {
    let folder: TemporaryFolder
    var caFile: String { folder.file("ca.pem") }
    let localhost: (certificate: String, key: String)
    let otherName: (certificate: String, key: String)
    let selfSigned: (certificate: String, key: String)

    private static let made = Mutex<TestCertificates?>(nil)

    /// The run's certificates, made on first use.
    static func shared() async throws -> TestCertificates {
        if let made = made.withLock({ $0 }) { return made }
        let certificates = try await TestCertificates()
        return made.withLock { stored in
            if stored == nil { stored = certificates }
            return stored!
        }
    }

    private init() async throws {
        try requireProgram("/usr/bin/openssl")
        folder = try TemporaryFolder(prefix: "sockworks-tls")
        let folder = folder
        func path(_ name: String) -> String { folder.file(name) }
        try await Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Sockworks Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", path("ca.key"), "-out", path("ca.pem"),
        ])
        localhost = try await Self.signed(
            "localhost", names: "DNS:localhost,IP:127.0.0.1", stem: path("localhost"), ca: path("ca"))
        otherName = try await Self.signed(
            "mail.example.org", names: "DNS:mail.example.org", stem: path("other"), ca: path("ca"))
        selfSigned = (path("self.pem"), path("self.key"))
        try await Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", selfSigned.key, "-out", selfSigned.certificate,
        ])
    }

    /// Removes the run's certificates (a test class's `tearDown` does); the
    /// next use makes new ones.
    static func removeShared() {
        made.withLock { stored in
            stored?.folder.remove()
            stored = nil
        }
    }

    /// A key and a certificate for `commonName` and `names` (subjectAltName
    /// entries) signed by the CA whose files are `ca.pem` and `ca.key`.
    private static func signed(_ commonName: String, names: String, stem: String, ca: String) async throws -> (
        certificate: String, key: String
    ) {
        try await openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(commonName)",
            "-keyout", stem + ".key", "-out", stem + ".csr",
        ])
        try await openssl(
            [
                "x509", "-req", "-in", stem + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
                "-days", "2", "-extfile", "/dev/stdin", "-out", stem + ".pem",
            ], input: "subjectAltName=\(names)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        return (stem + ".pem", stem + ".key")
    }

    private static func openssl(_ arguments: [String], input: String = "") async throws {
        let run = try await runProgram("/usr/bin/openssl", arguments, input: Array(input.utf8), timeout: .seconds(30))
        guard run.exitCode == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")): \(run.standardError)")
        }
    }
}
