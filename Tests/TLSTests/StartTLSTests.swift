import SocketCore
import Streams
import TLS
import TestSupport
import XCTest

/// A connection upgraded in place, as SMTP's STARTTLS (RFC 3207) does it:
/// a line dialogue in the clear over the socket, then a TLS stream over
/// the same socket, still open, and the dialogue goes on through it.
final class StartTLSTests: XCTestCase {
    override class func tearDown() {
        TestCertificates.removeShared()
    }

    func testUpgradeOfAnOpenSocket() async throws {
        let certificates = try await TestCertificates.shared()
        try await withNoLeakedDescriptors {
            try await withPeer(.starttls, certificate: certificates.localhost) { port in
                let deadline = MonotonicInstant.now + .seconds(10)
                let socket = try connectToLoopback(port: port)
                let plain = BufferedReader(socket)
                XCTAssertEqual(try plain.readLine(maxLength: 100, deadline: deadline), Array("220 ready".utf8))
                try socket.write(Array("STARTTLS\r\n".utf8), deadline: deadline)
                XCTAssertEqual(try plain.readLine(maxLength: 100, deadline: deadline), Array("220 go ahead".utf8))
                // Bytes read past the reply would have come before the
                // handshake, unprotected: a client stops there.
                XCTAssertEqual(plain.bufferedCount, 0)

                let configuration = TLSClientConfiguration(
                    serverName: "localhost", verification: .caFile(certificates.caFile))
                let tls: TLSStream
                do {
                    tls = try TLSStream.connect(over: socket, configuration: configuration, deadline: deadline)
                } catch {
                    try socket.close()
                    throw error
                }
                let writer = BufferedWriter(tls)
                try writer.write("EHLO client.example\r\n", deadline: deadline)
                try writer.flush(deadline: deadline)
                let reader = BufferedReader(tls)
                XCTAssertEqual(
                    try reader.readLine(maxLength: 100, deadline: deadline), Array("EHLO client.example".utf8))
                try tls.close(deadline: deadline)
                XCTAssertFalse(socket.isOpen, "closing the TLS stream closes the socket")
            }
        }
    }
}
