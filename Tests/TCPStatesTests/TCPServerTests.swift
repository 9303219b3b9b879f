import Glibc
import SocketCore
import Synchronization
import TCPStates
import TestSupport
import XCTest

/// The textbook's TCPServer over 127.0.0.1: clients served at once on
/// threads of their own, closeConnection ending establishConnection, and the
/// calls made in the wrong order.
final class TCPServerTests: XCTestCase {
    override func setUp() {
        // The accept loop opens the process's spare descriptor once
        // (AcceptReserve); open it before any count is taken.
        AcceptReserve.shared.prepare()
    }

    func testServesSeveralClientsAtOnceEachOnAThreadOfItsOwn() throws {
        let clients = 4
        let before = try openDescriptorCount()
        let server = TCPServer()
        let address = try server.openServer(host: "127.0.0.1", port: 0)
        XCTAssertEqual(server.localAddress, address)
        XCTAssertEqual(try openDescriptorCount(), before + 1)

        // Each handler waits until all are running: served one at a time,
        // the first would wait in vain and answer "alone".
        let arrived = Mutex(0)
        let threads = Mutex(Set<UInt>())
        let serving = try BlockingCall { () throws(TCPServerError) in
            try server.establishConnection { client, peer in
                let byte = try receive(1, from: client)
                arrived.withLock { $0 += 1 }
                threads.withLock { _ = $0.insert(UInt(pthread_self())) }
                let together = blockUntil(timeout: .seconds(5)) { arrived.withLock { $0 } == clients }
                try client.sendAll(byte + Array((together ? "together" : "alone").utf8))
            }
        }
        let sockets = try (0..<clients).map { _ in try connectClient(to: address) }
        for (index, socket) in sockets.enumerated() { try socket.sendAll([UInt8(index)]) }
        for (index, socket) in sockets.enumerated() {
            XCTAssertEqual(try receive(9, from: socket), [UInt8(index)] + Array("together".utf8))
            XCTAssertTrue(try peerClosed(socket), "the server closes the client when the handler returns")
            try socket.close()
        }
        XCTAssertEqual(threads.withLock { $0.count }, clients)

        try server.closeConnection()
        guard case .success = serving.waitForReturn() else { return XCTFail("establishConnection did not return") }
        XCTAssertNil(server.localAddress)
        XCTAssertEqual(try openDescriptorCount(), before, "the listener's and the clients' descriptors are closed")
        XCTAssertTrue(try isRefused(address))
    }

    func testCloseConnectionEndsEstablishConnectionOnceItsClientsAreDone() throws {
        let before = try openDescriptorCount()
        let server = TCPServer()
        let address = try server.openServer(host: "127.0.0.1", port: 0)
        let serving = try BlockingCall { () throws(TCPServerError) in
            try server.establishConnection { client, _ in
                let bytes = try receive(4, from: client)
                try client.sendAll(bytes)
            }
        }
        let client = try connectClient(to: address)
        try client.sendAll([1])
        XCTAssertTrue(
            try blockUntil(timeout: .seconds(5)) { try openDescriptorCount() == before + 3 },
            "the server has accepted the client")

        try server.closeConnection()
        XCTAssertTrue(
            blockUntil(timeout: .seconds(5)) { (try? isRefused(address)) == true },
            "no new client after closeConnection")
        usleep(100_000)
        XCTAssertFalse(serving.hasReturned, "establishConnection returned with a client still being served")

        try client.sendAll([2, 3, 4])
        XCTAssertEqual(try receive(4, from: client), [1, 2, 3, 4])
        guard case .success = serving.waitForReturn() else { return XCTFail("establishConnection did not return") }
        try client.close()
        XCTAssertEqual(try openDescriptorCount(), before)

        // Closed, it can be opened again.
        let again = try server.openServer(host: "127.0.0.1", port: 0)
        XCTAssertEqual(server.localAddress, again)
        try server.closeConnection()
        XCTAssertEqual(try openDescriptorCount(), before)
    }

    func testAHandlerMayCloseTheServer() throws {
        let server = TCPServer()
        let address = try server.openServer(host: "127.0.0.1", port: 0)
        let serving = try BlockingCall { () throws(TCPServerError) in
            try server.establishConnection { client, _ in
                try server.closeConnection()
                try client.sendAll([0x2A])
            }
        }
        let client = try connectClient(to: address)
        XCTAssertEqual(try receive(1, from: client), [0x2A])
        guard case .success = serving.waitForReturn() else { return XCTFail("establishConnection did not return") }
        try client.close()
    }

    func testAThrowingHandlerEndsItsClientOnly() throws {
        struct Refused: Error {}
        let server = TCPServer()
        let address = try server.openServer(host: "127.0.0.1", port: 0)
        let serving = try BlockingCall { () throws(TCPServerError) in
            try server.establishConnection { client, _ in
                if try receive(1, from: client) == [0] { throw Refused() }
                try client.sendAll([1])
            }
        }
        let refused = try connectClient(to: address)
        try refused.sendAll([0])
        XCTAssertTrue(try peerClosed(refused))
        let served = try connectClient(to: address)
        try served.sendAll([7])
        XCTAssertEqual(try receive(1, from: served), [1])
        try server.closeConnection()
        guard case .success = serving.waitForReturn() else { return XCTFail("establishConnection did not return") }
        try refused.close()
        try served.close()
    }

    func testCallsInTheWrongOrderThrow() throws {
        let server = TCPServer()
        XCTAssertThrowsError(try server.establishConnection { _, _ in }) { error in
            XCTAssertEqual(error as? TCPServerError, .notOpen(operation: "establishConnection"))
            XCTAssertEqual("\(error)", "establishConnection: the server is not open; call openServer first")
        }
        XCTAssertThrowsError(try server.closeConnection()) { error in
            XCTAssertEqual(error as? TCPServerError, .notOpen(operation: "closeConnection"))
        }
        let address = try server.openServer(host: "127.0.0.1", port: 0)
        XCTAssertThrowsError(try server.openServer(host: "127.0.0.1", port: 0)) { error in
            XCTAssertEqual(error as? TCPServerError, .alreadyOpen(address))
        }
        let serving = try BlockingCall { () throws(TCPServerError) in
            try server.establishConnection { client, _ in try client.sendAll([1]) }
        }
        // Once a client is served, the other thread is surely accepting.
        let client = try connectClient(to: address)
        XCTAssertEqual(try receive(1, from: client), [1])
        try client.close()
        XCTAssertThrowsError(try server.establishConnection { _, _ in }) { error in
            XCTAssertEqual(error as? TCPServerError, .alreadyServing)
        }
        try server.closeConnection()
        guard case .success = serving.waitForReturn() else { return XCTFail("establishConnection did not return") }
        XCTAssertThrowsError(try server.closeConnection()) { error in
            XCTAssertEqual(error as? TCPServerError, .notOpen(operation: "closeConnection"))
        }
    }

    func testOpeningABusyPortFailsWithTheReason() throws {
        let first = TCPServer()
        let address = try first.openServer(host: "127.0.0.1", port: 0)
        let second = TCPServer()
        XCTAssertThrowsError(try second.openServer(host: "127.0.0.1", port: try XCTUnwrap(address.port))) { error in
            guard case TCPServerError.openFailed(.bindFailed(let bound, let cause)) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(bound, address)
            XCTAssertEqual(cause.code, EADDRINUSE)
            XCTAssertTrue("\(error)".hasPrefix("openServer: cannot bind \(address): EADDRINUSE"), "\(error)")
        }
        XCTAssertNil(second.localAddress, "a failed open leaves the server closed")
        XCTAssertThrowsError(try second.openServer(host: "::1]", port: 0)) { error in
            XCTAssertEqual(error as? TCPServerError, .openFailed(.badAddress("::1]")))
        }
        try first.closeConnection()
    }
}
