import Glibc
import SocketCore
import TestSupport
import XCTest

/// TCP over loopback only (127.0.0.1 and ::1).
final class SocketTCPTests: XCTestCase {
    func testConnectAcceptEchoIPv4() throws {
        try echoRoundTrip(.ipv4)
    }

    func testConnectAcceptEchoIPv6() throws {
        try echoRoundTrip(.ipv6)
    }

    private func echoRoundTrip(_ family: SocketFamily) throws {
        let (listener, address) = try loopbackListener(family)
        defer { try? listener.close() }
        let server = BackgroundThread { () throws -> SocketAddress in
            let connection = try listener.accept().get()
            defer { try? connection.close() }
            // Echo until the client shuts its side down.
            while true {
                let bytes = try connection.receive(maxCount: 1024).get()
                if bytes.isEmpty { break }
                try connection.sendAll(bytes)
            }
            return try connection.peerAddress
        }
        let client = try Socket(family: family, type: .stream)
        defer { try? client.close() }
        try client.connect(to: address, timeout: .seconds(5))
        XCTAssertFalse(try client.isNonBlocking, "a timed connect restores blocking mode")
        XCTAssertEqual(try client.peerAddress, address)
        let message = pattern(count: 100_000)
        try client.sendAll(message)
        try client.shutdown(.write)
        XCTAssertEqual(try receiveAll(client), message)
        XCTAssertEqual(try server.value(), try client.localAddress)
    }

    func testRefusedConnectSaysWhereAndWhy() throws {
        // A bound socket that does not listen: its port refuses, and no other
        // program can take it meanwhile.
        let placeholder = try Socket(family: .ipv4, type: .stream)
        defer { try? placeholder.close() }
        try placeholder.bind(to: .loopbackIPv4(port: 0))
        let address = try placeholder.localAddress
        for timeout in [nil, Duration.seconds(5)] {
            let client = try Socket(family: .ipv4, type: .stream)
            defer { try? client.close() }
            XCTAssertThrowsError(try client.connect(to: address, timeout: timeout)) {
                XCTAssertEqual(
                    ($0 as? SocketError)?.description,
                    "connect(\(address)): ECONNREFUSED (Connection refused)")
            }
        }
    }

    /// A listener with backlog 0 queues one connection; while nobody accepts,
    /// Linux drops further SYNs (tcp_conn_request: accept queue full), so the
    /// next connect hangs in SYN_SENT: a timeout that stays on loopback.
    func testConnectTimesOutAgainstAFullBacklog() throws {
        let (listener, address) = try loopbackListener(backlog: 0)
        defer { try? listener.close() }
        var queued: [Socket] = []
        defer { for socket in queued { try? socket.close() } }
        var timeoutError: SocketError?
        var elapsed = Duration.zero
        for _ in 0..<8 where timeoutError == nil {
            let client = try Socket(family: .ipv4, type: .stream)
            queued.append(client)
            let start = ContinuousClock.now
            do {
                try client.connect(to: address, timeout: .milliseconds(300))
            } catch {
                timeoutError = error
                elapsed = ContinuousClock.now - start
            }
        }
        let error = try XCTUnwrap(timeoutError, "every connect got through")
        XCTAssertEqual(error.description, "connect(\(address)): ETIMEDOUT (Connection timed out)")
        XCTAssertTrue(error.isTimeout)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(290))
        XCTAssertLessThan(elapsed, .seconds(3))
        XCTAssertFalse(try queued.last!.isNonBlocking, "blocking mode restored after a timeout too")
    }

    func testNonBlockingAcceptAndReceiveWouldBlock() throws {
        let (listener, address) = try loopbackListener()
        defer { try? listener.close() }
        try listener.setNonBlocking(true)
        XCTAssertEqual(try listener.accept().value == nil, true)
        let client = try Socket(family: .ipv4, type: .stream)
        defer { try? client.close() }
        try client.connect(to: address)
        var accepted: Socket?
        _ = try blockUntil(timeout: .seconds(5), pollingEvery: .milliseconds(1)) {
            accepted = try listener.accept().value
            return accepted != nil
        }
        let connection = try XCTUnwrap(accepted)
        defer { try? connection.close() }
        XCTAssertFalse(try connection.isNonBlocking, "accepted sockets start blocking")
        try connection.setNonBlocking(true)
        var buffer = [UInt8](repeating: 0, count: 16)
        let result = try buffer.withUnsafeMutableBytes { try connection.receive(into: $0) }
        XCTAssertEqual(result, .wouldBlock)
    }

    func testReceiveTimeoutIsWouldBlock() throws {
        let (first, second) = try Socket.pair()
        defer {
            try? first.close()
            try? second.close()
        }
        try first.setOption(.receiveTimeout, to: .milliseconds(50))
        let start = ContinuousClock.now
        XCTAssertEqual(try first.receive(maxCount: 10).value, nil)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(45))
    }

    func testSendToAPeerThatHasGoneIsAnErrorNotSIGPIPE() throws {
        let (first, second) = try Socket.pair()
        defer { try? first.close() }
        try second.close()
        XCTAssertThrowsError(try first.sendAll([1, 2, 3])) {
            XCTAssertEqual(($0 as? SocketError)?.description, "send: EPIPE (Broken pipe)")
        }
    }
}
