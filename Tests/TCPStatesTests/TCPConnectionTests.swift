import Glibc
import SocketCore
import TCPStates
import TestSupport
import XCTest

/// The State pattern's connection over a real listener on 127.0.0.1: real
/// clients connect and are served, the state is checked at each step, and
/// every call a state does not allow throws that state's error.
final class TCPConnectionTests: XCTestCase {
    func testServesRealClientsOneAfterAnotherThroughEveryState() throws {
        let before = try openDescriptorCount()
        let connection = try TCPConnection(host: "127.0.0.1", port: 0)
        XCTAssertTrue(connection.state is TCPListen)
        XCTAssertEqual(connection.state.name, .listen)
        XCTAssertEqual(try openDescriptorCount(), before + 1, "the listener")

        for text in ["first", "second"] {
            // The kernel completes the handshake from the backlog, so the
            // client can connect and send before the accept.
            let client = try connectClient(to: connection.localAddress)
            try client.sendAll(Array(text.utf8))
            try connection.openConnection()
            let established = try XCTUnwrap(connection.state as? TCPEstablished)
            XCTAssertEqual(established.name, .established)
            XCTAssertEqual(established.peer, try client.localAddress)

            var served: SocketAddress?
            try connection.handleConnection { socket, peer in
                served = peer
                let bytes = try receive(text.utf8.count, from: socket)
                try socket.sendAll(bytes.reversed())
            }
            XCTAssertEqual(served, try client.localAddress)
            XCTAssertTrue(connection.state is TCPListen, "back to listening after the handler")
            XCTAssertEqual(try receive(text.utf8.count, from: client), Array(text.utf8.reversed()))
            XCTAssertTrue(try peerClosed(client), "the connection closes the client after the handler")
            XCTAssertFalse(established.client.isOpen)
            try client.close()
        }

        try connection.closeConnection()
        XCTAssertTrue(connection.state is TCPClosed)
        XCTAssertEqual(connection.state.name, .closed)
        XCTAssertEqual(try openDescriptorCount(), before, "the listener's descriptor is closed")
        XCTAssertTrue(try isRefused(connection.localAddress))
    }

    func testHandleConnectionInListenIsTheListenStateError() throws {
        let connection = try TCPConnection(host: "127.0.0.1", port: 0)
        var ran = false
        XCTAssertThrowsError(try connection.handleConnection { _, _ in ran = true }) { error in
            guard case TCPConnectionError.listenState(.handleConnection) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual("\(error)", "handleConnection in LISTEN: no client yet; call openConnection first")
        }
        XCTAssertFalse(ran)
        XCTAssertTrue(connection.state is TCPListen)
        try connection.closeConnection()
    }

    func testOpenConnectionInEstablishedIsRefusedAndKeepsTheClient() throws {
        let connection = try TCPConnection(host: "127.0.0.1", port: 0)
        let client = try connectClient(to: connection.localAddress)
        let other = try connectClient(to: connection.localAddress)
        try connection.openConnection()
        let established = try XCTUnwrap(connection.state as? TCPEstablished)

        XCTAssertThrowsError(try connection.openConnection()) { error in
            guard case TCPConnectionError.establishedState(.openConnection) = error else {
                return XCTFail("\(error)")
            }
        }
        let still = try XCTUnwrap(connection.state as? TCPEstablished)
        XCTAssertTrue(still.client === established.client, "the refused call changed the state")
        XCTAssertEqual(still.peer, try client.localAddress, "the second client was not accepted")

        try connection.handleConnection { socket, _ in try socket.sendAll([1]) }
        XCTAssertEqual(try receive(1, from: client), [1])
        try connection.openConnection()
        XCTAssertEqual((connection.state as? TCPEstablished)?.peer, try other.localAddress)
        try connection.closeConnection()
        try client.close()
        try other.close()
    }

    func testEveryCallInClosedIsTheCloseStateError() throws {
        let connection = try TCPConnection(host: "127.0.0.1", port: 0)
        try connection.closeConnection()
        let calls: [(TCPConnection.Operation, () throws -> Void)] = [
            (.openConnection, { try connection.openConnection() }),
            (.handleConnection, { try connection.handleConnection { _, _ in XCTFail("the handler ran") } }),
            (.closeConnection, { try connection.closeConnection() }),
        ]
        XCTAssertEqual(calls.map(\.0), TCPConnection.Operation.allCases)
        for (operation, call) in calls {
            XCTAssertThrowsError(try call()) { error in
                guard case TCPConnectionError.closeState(let refused) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(refused, operation)
                XCTAssertEqual("\(error)", "\(operation) in CLOSED: the connection is closed")
            }
            XCTAssertTrue(connection.state is TCPClosed)
        }
    }

    func testCloseConnectionInEstablishedClosesTheClientAndTheListener() throws {
        let before = try openDescriptorCount()
        let connection = try TCPConnection(host: "127.0.0.1", port: 0)
        let client = try connectClient(to: connection.localAddress)
        try connection.openConnection()
        XCTAssertEqual(try openDescriptorCount(), before + 3, "listener, accepted client, client")
        try connection.closeConnection()
        XCTAssertTrue(connection.state is TCPClosed)
        XCTAssertTrue(try peerClosed(client))
        try client.close()
        XCTAssertEqual(try openDescriptorCount(), before)
    }

    func testAThrowingHandlerEndsItsClientOnly() throws {
        struct Refused: Error {}
        let connection = try TCPConnection(host: "127.0.0.1", port: 0)
        let client = try connectClient(to: connection.localAddress)
        try connection.openConnection()
        XCTAssertThrowsError(try connection.handleConnection { _, _ in throw Refused() }) { error in
            guard case TCPConnectionError.handlerFailed(let cause) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(cause is Refused)
        }
        XCTAssertTrue(connection.state is TCPListen)
        XCTAssertTrue(try peerClosed(client))
        try client.close()

        // A handler may close the client itself.
        let next = try connectClient(to: connection.localAddress)
        try connection.openConnection()
        try connection.handleConnection { socket, _ in try socket.close() }
        XCTAssertTrue(try peerClosed(next))
        try next.close()
        try connection.closeConnection()
    }

    func testBindingABusyPortFailsWithTheReason() throws {
        let first = try TCPConnection(host: "127.0.0.1", port: 0)
        let port = try XCTUnwrap(first.localAddress.port)
        let before = try openDescriptorCount()
        XCTAssertThrowsError(try TCPConnection(host: "127.0.0.1", port: port)) { error in
            guard case TCPOpenError.bindFailed(let address, let cause) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(address, first.localAddress)
            XCTAssertEqual(cause.code, EADDRINUSE)
            XCTAssertEqual(
                "\(error)",
                "cannot bind 127.0.0.1:\(port): EADDRINUSE (Address already in use): "
                    + "another socket holds this port")
        }
        XCTAssertEqual(try openDescriptorCount(), before, "the failed socket is closed")
        try first.closeConnection()
    }

    func testAHostThatIsNotAnAddressIsRefusedBeforeAnySocket() {
        for host in ["", "localhost", "127.0.0.256", "127.0.0.1:80", "[::1]"] {
            XCTAssertThrowsError(try TCPConnection(host: host, port: 0)) { error in
                XCTAssertEqual(error as? TCPOpenError, .badAddress(host), host)
            }
        }
    }

    func testListensOnIPv6Loopback() throws {
        let connection = try TCPConnection(host: "::1", port: 0)
        XCTAssertEqual(connection.localAddress.family, .ipv6)
        let client = try connectClient(to: connection.localAddress)
        try connection.openConnection()
        try connection.handleConnection { socket, _ in try socket.sendAll([6]) }
        XCTAssertEqual(try receive(1, from: client), [6])
        try client.close()
        try connection.closeConnection()
    }
}
