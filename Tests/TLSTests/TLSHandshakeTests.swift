import SocketCore
import Streams
import TLS
import TestSupport
import XCTest

/// The handshake against a real TLS server on loopback: what is verified,
/// what is refused and why, and how a handshake ends when the peer does
/// not take part.
final class TLSHandshakeTests: XCTestCase {
    override class func tearDown() {
        TestCertificates.removeShared()
    }

    func testVerifiedHandshakeWithTheCAFile() async throws {
        let certificates = try await TestCertificates.shared()
        try await withNoLeakedDescriptors {
            try await withPeer(.echo, certificate: certificates.localhost) { port in
                let tls = try handshake(
                    port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
                XCTAssertEqual(tls.protocolVersion, "TLSv1.3")
                XCTAssertTrue(tls.cipherName.hasPrefix("TLS_"), tls.cipherName)
                try tls.close(deadline: .now + .seconds(5))
            }
        }
    }

    func testAnotherNameIsRefused() async throws {
        let certificates = try await TestCertificates.shared()
        try await withNoLeakedDescriptors {
            try await withPeer(.echo, certificate: certificates.otherName) { port in
                let error = try refusal(
                    port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
                XCTAssertEqual(error, .certificateRefused(reason: "hostname mismatch"))
                XCTAssertEqual(error?.description, "the server's certificate was refused: hostname mismatch")
            }
        }
    }

    func testSelfSignedCertificateIsRefused() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.echo, certificate: certificates.selfSigned) { port in
            for verification in [TLSVerification.caFile(certificates.caFile), .systemStore] {
                let error = try refusal(port: port, .init(serverName: "localhost", verification: verification))
                XCTAssertEqual(error, .certificateRefused(reason: "self-signed certificate"), "\(verification)")
            }
        }
    }

    func testNoVerificationAcceptsAnyCertificate() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.echo, certificate: certificates.otherName) { port in
            let tls = try handshake(port: port, .init(serverName: "localhost", verification: .none))
            try tls.write(Array("hello".utf8), deadline: .now + .seconds(5))
            var buffer = [UInt8](repeating: 0, count: 16)
            let count = try tls.read(into: &buffer, deadline: .now + .seconds(5))
            XCTAssertEqual(Array(buffer[..<count]), Array("hello".utf8))
            try tls.close(deadline: .now + .seconds(5))
        }
    }

    /// An IP literal is matched against the certificate's IP addresses.
    func testIPLiteralIsCheckedAgainstTheIPAddresses() async throws {
        let certificates = try await TestCertificates.shared()
        let configuration = TLSClientConfiguration(serverName: "127.0.0.1", verification: .caFile(certificates.caFile))
        try await withPeer(.echo, certificate: certificates.localhost) { port in
            try handshake(port: port, configuration).close(deadline: .now + .seconds(5))
        }
        try await withPeer(.echo, certificate: certificates.otherName) { port in
            XCTAssertEqual(try refusal(port: port, configuration), .certificateRefused(reason: "IP address mismatch"))
        }
    }

    func testPeerOfferingOnlyTLS11IsRefused() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.tls11, certificate: certificates.localhost) { port in
            let error = try refusal(
                port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
            guard case .handshakeFailed(let reason) = error else { return XCTFail("\(String(describing: error))") }
            XCTAssertTrue(reason.contains("protocol version"), reason)
        }
    }

    /// A server that accepts TCP and says nothing: the handshake ends at
    /// its deadline.
    func testSilentPeerTimesOutAtTheDeadline() async throws {
        let certificates = try await TestCertificates.shared()
        try await withNoLeakedDescriptors {
            try await withPeer(.silent, certificate: certificates.localhost) { port in
                let started = MonotonicInstant.now
                let error = try refusal(
                    port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)),
                    deadline: started + .milliseconds(300))
                XCTAssertEqual(error, .stream(.timedOut))
                let elapsed = MonotonicInstant.now - started
                XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300))
                XCTAssertLessThan(elapsed, .seconds(2))
            }
        }
    }

    func testPeerClosingMidHandshake() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.hangup, certificate: certificates.localhost) { port in
            let error = try refusal(
                port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
            XCTAssertEqual(error, .stream(.endOfStream(received: 0)))
        }
    }

    func testUnreadableCAFileIsABadConfiguration() async throws {
        let certificates = try await TestCertificates.shared()
        let missing = certificates.folder.file("missing.pem")
        try await withPeer(.echo, certificate: certificates.localhost) { port in
            let error = try refusal(port: port, .init(serverName: "localhost", verification: .caFile(missing)))
            guard case .badConfiguration(let reason) = error else { return XCTFail("\(String(describing: error))") }
            XCTAssertTrue(reason.hasPrefix("cannot read the CA file \(missing)"), reason)
        }
    }
}

/// A TLS stream over a new connection to the peer.
func handshake(
    port: UInt16, _ configuration: TLSClientConfiguration, deadline: MonotonicInstant = .now + .seconds(10)
) throws -> TLSStream {
    let socket = try connectToLoopback(port: port)
    do {
        return try TLSStream.connect(over: socket, configuration: configuration, deadline: deadline)
    } catch {
        try? socket.close()
        throw error
    }
}

/// Why a handshake with the peer failed; nil (and a failure) when it did not.
func refusal(
    port: UInt16, _ configuration: TLSClientConfiguration, deadline: MonotonicInstant = .now + .seconds(10),
    file: StaticString = #filePath, line: UInt = #line
) throws -> TLSError? {
    let socket = try connectToLoopback(port: port)
    defer { try? socket.close() }
    do {
        let tls = try TLSStream.connect(over: socket, configuration: configuration, deadline: deadline)
        XCTFail("the handshake succeeded with \(tls.protocolVersion)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// Runs `body` and checks that it left no descriptor open.
func withNoLeakedDescriptors(
    file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Void
) async throws {
    let before = try openDescriptorCount()
    try await body()
    XCTAssertEqual(try openDescriptorCount(), before, "descriptors left open", file: file, line: line)
}
