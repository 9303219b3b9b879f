import Glibc
import SocketCore
import TestSupport
import XCTest

/// UDP over loopback and UNIX datagram sockets: sendto/recvfrom and replies.
final class SocketDatagramTests: XCTestCase {
    func testUDPSendToAndReceiveFromIPv4() throws {
        try udpExchange(.ipv4, .loopbackIPv4(port: 0))
    }

    func testUDPSendToAndReceiveFromIPv6() throws {
        try udpExchange(.ipv6, .loopbackIPv6(port: 0))
    }

    private func udpExchange(_ family: SocketFamily, _ any: SocketAddress) throws {
        let server = try Socket(family: family, type: .datagram)
        let client = try Socket(family: family, type: .datagram)
        defer {
            try? server.close()
            try? client.close()
        }
        try server.bind(to: any)
        try client.bind(to: any)
        let serverAddress = try server.localAddress
        XCTAssertEqual(try client.send([1, 2, 3], to: serverAddress), .processed(3))
        let datagram = try server.receiveFrom(maxCount: 1500).get()
        XCTAssertEqual(datagram.bytes, [1, 2, 3])
        XCTAssertEqual(datagram.sender, try client.localAddress)
        // Reply to whoever sent it.
        _ = try server.send([9], to: try XCTUnwrap(datagram.sender))
        let reply = try client.receiveFrom(maxCount: 1500).get()
        XCTAssertEqual(reply.bytes, [9])
        XCTAssertEqual(reply.sender, serverAddress)
    }

    func testDatagramBoundariesAreKept() throws {
        let server = try Socket(family: .ipv4, type: .datagram)
        let client = try Socket(family: .ipv4, type: .datagram)
        defer {
            try? server.close()
            try? client.close()
        }
        try server.bind(to: .loopbackIPv4(port: 0))
        try client.connect(to: try server.localAddress)
        _ = try client.send([1, 2])
        _ = try client.send([])
        _ = try client.send([3])
        XCTAssertEqual(try server.receive(maxCount: 100).get(), [1, 2])
        XCTAssertEqual(try server.receive(maxCount: 100).get(), [])
        XCTAssertEqual(try server.receive(maxCount: 100).get(), [3])
    }

    func testUnixDatagramWithNamedAndUnnamedSenders() throws {
        let directory = try TemporaryFolder(prefix: "sockcore")
        let serverPath = directory.file("server"), clientPath = directory.file("client")
        let server = try Socket(family: .unix, type: .datagram)
        let named = try Socket(family: .unix, type: .datagram)
        let unnamed = try Socket(family: .unix, type: .datagram)
        defer {
            try? named.close()
            try? unnamed.close()
        }
        try server.bind(to: .unix(path: serverPath))
        try named.bind(to: .unix(path: clientPath))

        _ = try named.send(Array("ping".utf8), to: .unix(path: serverPath))
        let datagram = try server.receiveFrom(maxCount: 100).get()
        XCTAssertEqual(datagram.bytes, Array("ping".utf8))
        XCTAssertEqual(datagram.sender, .unix(path: clientPath))
        _ = try server.send(Array("pong".utf8), to: try XCTUnwrap(datagram.sender))
        XCTAssertEqual(try named.receive(maxCount: 100).get(), Array("pong".utf8))

        _ = try unnamed.send([7], to: .unix(path: serverPath))
        let anonymous = try server.receiveFrom(maxCount: 100).get()
        XCTAssertEqual(anonymous.bytes, [7])
        XCTAssertNil(anonymous.sender, "an unbound sender has no name to reply to")

        try server.close()
        XCTAssertFalse(fileExists(serverPath), "a datagram server removes its file too")
    }
}
