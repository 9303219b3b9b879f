import Glibc
import SocketCore
import Streams
import SystemPackage
import TLS
import TestSupport
import XCTest

/// Reading and writing through an established TLS stream, its ends, and
/// resuming its session.
final class TLSStreamTests: XCTestCase {
    override class func tearDown() {
        TestCertificates.removeShared()
    }

    /// 1 MiB of random bytes out and back, byte for byte, in 64 KiB turns
    /// (the peer echoes each before the next goes); then the client's
    /// close_notify, answered with the peer's, which reads as end of stream.
    func testEchoOfAMebibyte() async throws {
        let certificates = try await TestCertificates.shared()
        try await withNoLeakedDescriptors {
            try await withPeer(.echo, certificate: certificates.localhost) { port in
                let deadline = MonotonicInstant.now + .seconds(30)
                let tls = try handshake(
                    port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
                let sent = randomBytes(1 << 20)
                var received: [UInt8] = []
                let turn = 64 << 10
                var buffer = [UInt8](repeating: 0, count: 32 << 10)
                for start in stride(from: 0, to: sent.count, by: turn) {
                    try tls.write(Array(sent[start..<start + turn]), deadline: deadline)
                    while received.count < start + turn {
                        let count = try tls.read(into: &buffer, deadline: deadline)
                        guard count > 0 else { throw TestFailure("end of stream after \(received.count) bytes") }
                        received += buffer[..<count]
                    }
                }
                XCTAssertEqual(received.count, sent.count)
                XCTAssertTrue(received == sent, "the echo differs")
                try tls.shutdown(.write, deadline: deadline)
                XCTAssertEqual(try tls.read(into: &buffer, deadline: deadline), 0)
                try tls.close(deadline: deadline)
            }
        }
    }

    /// The peer's close_notify is the end of the stream, as often as one reads.
    func testCloseNotifyReadsAsEndOfStream() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.notify, certificate: certificates.localhost) { port in
            let deadline = MonotonicInstant.now + .seconds(10)
            let tls = try handshake(
                port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
            let reader = BufferedReader(tls)
            XCTAssertEqual(try reader.readLine(maxLength: 100, deadline: deadline), Array("bye".utf8))
            XCTAssertNil(try reader.readLine(maxLength: 100, deadline: deadline))
            var buffer = [UInt8](repeating: 0, count: 16)
            XCTAssertEqual(try tls.read(into: &buffer, deadline: deadline), 0)
            try tls.close(deadline: deadline)
        }
    }

    /// The TCP connection ending without close_notify is not a clean end:
    /// someone may have cut the data short (RFC 8446 section 6.1).
    func testEndWithoutCloseNotifyIsAnError() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.truncate, certificate: certificates.localhost) { port in
            let deadline = MonotonicInstant.now + .seconds(10)
            let tls = try handshake(
                port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16)
            do {
                while true {
                    let count = try tls.read(into: &buffer, deadline: deadline)
                    guard count > 0 else { return XCTFail("a clean end of stream") }
                    received += buffer[..<count]
                }
            } catch {
                XCTAssertEqual(error as? StreamError, .endOfStream(received: 0))
            }
            XCTAssertEqual(received, Array("partial".utf8))
            try tls.close(deadline: deadline)
        }
    }

    /// A read that times out leaves the connection usable: the next
    /// exchange goes through.
    func testReadTimeoutLeavesTheStreamUsable() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.echo, certificate: certificates.localhost) { port in
            let tls = try handshake(
                port: port, .init(serverName: "localhost", verification: .caFile(certificates.caFile)))
            var buffer = [UInt8](repeating: 0, count: 16)
            let started = MonotonicInstant.now
            XCTAssertThrowsError(try tls.read(into: &buffer, deadline: started + .milliseconds(200))) {
                XCTAssertEqual($0 as? StreamError, .timedOut)
            }
            XCTAssertLessThan(MonotonicInstant.now - started, .seconds(2))
            let deadline = MonotonicInstant.now + .seconds(10)
            try tls.write(Array("again".utf8), deadline: deadline)
            let count = try tls.read(into: &buffer, deadline: deadline)
            XCTAssertEqual(Array(buffer[..<count]), Array("again".utf8))
            try tls.close(deadline: deadline)
        }
    }

    /// A STARTTLS-style upgrade of a connection that is not a Socket: TLS
    /// over a plain descriptor stream (a duplicate of the socket's), which
    /// the TLS stream closes with itself.
    func testOverAFileDescriptorStream() async throws {
        let certificates = try await TestCertificates.shared()
        try await withNoLeakedDescriptors {
            try await withPeer(.echo, certificate: certificates.localhost) { port in
                let deadline = MonotonicInstant.now + .seconds(10)
                let socket = try connectToLoopback(port: port)
                let duplicate = socket.withUnsafeFileDescriptor { dup($0) }
                try socket.close()
                let stream = FileDescriptorStream(FileDescriptor(rawValue: duplicate), owning: true)
                let tls = try TLSStream.connect(
                    over: stream,
                    configuration: .init(serverName: "localhost", verification: .caFile(certificates.caFile)),
                    deadline: deadline)
                try tls.write(Array("over a descriptor\r\n".utf8), deadline: deadline)
                XCTAssertEqual(
                    try BufferedReader(tls).readLine(maxLength: 100, deadline: deadline),
                    Array("over a descriptor".utf8))
                try tls.close(deadline: deadline)
            }
        }
    }

    /// A second connection resumes the first one's session.
    func testSessionResumption() async throws {
        let certificates = try await TestCertificates.shared()
        try await withPeer(.echo, certificate: certificates.localhost) { port in
            let deadline = MonotonicInstant.now + .seconds(10)
            var configuration = TLSClientConfiguration(
                serverName: "localhost", verification: .caFile(certificates.caFile))
            let first = try handshake(port: port, configuration)
            XCTAssertFalse(first.resumedSession)
            // TLS 1.3's tickets come after the handshake, with the first read.
            try first.write(Array("ping".utf8), deadline: deadline)
            var buffer = [UInt8](repeating: 0, count: 16)
            XCTAssertEqual(try first.read(into: &buffer, deadline: deadline), 4)
            let session = try XCTUnwrap(first.session)
            try first.close(deadline: deadline)

            configuration.resuming = session
            let second = try handshake(port: port, configuration)
            XCTAssertTrue(second.resumedSession)
            try second.write(Array("pong".utf8), deadline: deadline)
            XCTAssertEqual(try second.read(into: &buffer, deadline: deadline), 4)
            XCTAssertEqual(Array(buffer[..<4]), Array("pong".utf8))
            try second.close(deadline: deadline)
        }
    }
}
