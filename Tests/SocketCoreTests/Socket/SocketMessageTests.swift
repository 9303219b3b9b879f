import Glibc
import SocketCore
import XCTest

/// recvmsg(2) with control messages, into a fresh message or into one the
/// reader keeps for every datagram.
final class SocketMessageTests: XCTestCase {
    private func pair(_ family: SocketFamily, _ any: SocketAddress) throws -> (Socket, Socket) {
        let server = try Socket(family: family, type: .datagram)
        let client = try Socket(family: family, type: .datagram)
        try server.bind(to: any)
        try client.bind(to: any)
        return (server, client)
    }

    func testOneMessageServesEveryDatagram() throws {
        for (family, any) in [
            (SocketFamily.ipv4, SocketAddress.loopbackIPv4(port: 0)),
            (.ipv6, .loopbackIPv6(port: 0)),
        ] {
            let (server, client) = try pair(family, any)
            defer {
                try? server.close()
                try? client.close()
            }
            try server.setOption(.receiveTimestamps, to: true)
            try server.setOption(family == .ipv4 ? .receiveTimeToLive : .receiveHopLimit, to: true)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
            defer { buffer.deallocate() }
            var message = ReceivedMessage()
            XCTAssertEqual(try server.receiveMessage(into: buffer, message: &message, waiting: false), .wouldBlock)

            _ = try client.send([1, 2, 3], to: try server.localAddress)
            XCTAssertEqual(try server.receiveMessage(into: buffer, message: &message), .processed(3))
            XCTAssertEqual(message.count, 3)
            XCTAssertEqual(Array(buffer.prefix(3)), [1, 2, 3])
            XCTAssertEqual(message.sender, try client.localAddress)
            XCTAssertNotNil(message.kernelTimestamp)
            XCTAssertEqual(message.hopLimit, 64)
            XCTAssertFalse(message.isTruncated)
            XCTAssertNil(message.extendedError)

            // The next datagram rewrites every field: no hop limit or stamp
            // is left over from the one before.
            try server.setOption(.receiveTimestamps, to: false)
            try server.setOption(family == .ipv4 ? .receiveTimeToLive : .receiveHopLimit, to: false)
            let other = try Socket(family: family, type: .datagram)
            defer { try? other.close() }
            try other.bind(to: any)
            _ = try other.send([UInt8](repeating: 9, count: 100), to: try server.localAddress)
            XCTAssertEqual(try server.receiveMessage(into: buffer, message: &message), .processed(64))
            XCTAssertEqual(message.sender, try other.localAddress)
            XCTAssertTrue(message.isTruncated, "100 bytes into 64")
            XCTAssertNil(message.kernelTimestamp)
            XCTAssertNil(message.hopLimit)
        }
    }

    func testFreshMessageCarriesTheSame() throws {
        let (server, client) = try pair(.ipv4, .loopbackIPv4(port: 0))
        defer {
            try? server.close()
            try? client.close()
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        XCTAssertNil(try server.receiveMessage(into: buffer, waiting: false).value)
        _ = try client.send([5], to: try server.localAddress)
        let message = try XCTUnwrap(try server.receiveMessage(into: buffer).value)
        XCTAssertEqual(message.count, 1)
        XCTAssertEqual(message.sender, try client.localAddress)
        XCTAssertNil(message.hopLimit)
        XCTAssertNil(try server.receiveError(into: buffer).value, "nothing on the error queue")
    }
}
