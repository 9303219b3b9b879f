import Foundation
import Glibc
import SocketCore
import TestSupport
import XCTest

/// UNIX stream sockets, and the rules for the socket file: a stale one is
/// replaced, a regular file or a live server's socket never is, and a server
/// removes its own file on close.
final class SocketUnixTests: XCTestCase {
    private var directory: TemporaryFolder!

    override func setUpWithError() throws { directory = try TemporaryFolder(prefix: "sockcore") }
    override func tearDown() { directory = nil }

    private func listen(at path: String) throws -> Socket {
        let listener = try Socket(family: .unix, type: .stream)
        try listener.bind(to: .unix(path: path))
        try listener.listen()
        return listener
    }

    func testStreamEcho() throws {
        let path = directory.file("echo.sock")
        let listener = try listen(at: path)
        defer { try? listener.close() }
        XCTAssertEqual(try listener.localAddress, .unix(path: path))
        let server = BackgroundThread {
            let connection = try listener.accept().get()
            defer { try? connection.close() }
            try connection.sendAll(try receiveAll(connection))
        }
        let client = try Socket(family: .unix, type: .stream)
        defer { try? client.close() }
        try client.connect(to: .unix(path: path), timeout: .seconds(5))
        XCTAssertEqual(try client.localAddress, .unix(path: ""), "a client end is unnamed")
        XCTAssertEqual(try client.peerAddress, .unix(path: path))
        let message = pattern(count: 300_000)
        let writer = BackgroundThread {
            try client.sendAll(message)
            try client.shutdown(.write)
        }
        XCTAssertEqual(try receiveAll(client), message)
        try writer.value()
        try server.value()
    }

    func testServerRemovesItsOwnFileOnClose() throws {
        let path = directory.file("own.sock")
        let listener = try listen(at: path)
        XCTAssertTrue(isSocketFile(path))
        try listener.close()
        XCTAssertFalse(fileExists(path))
    }

    func testDeinitClosesAndRemovesTheFile() throws {
        let path = directory.file("dropped.sock")
        do { _ = try listen(at: path) }
        XCTAssertFalse(fileExists(path))
    }

    func testStaleSocketFileIsReplaced() throws {
        let path = directory.file("stale.sock")
        // A socket inode nobody is bound to: what a server that crashed leaves.
        XCTAssertEqual(mknod(path, S_IFSOCK | 0o600, 0), 0)
        let listener = try listen(at: path)
        defer { try? listener.close() }
        let client = try Socket(family: .unix, type: .stream)
        defer { try? client.close() }
        try client.connect(to: .unix(path: path))
    }

    func testRegularFileIsNeverDeleted() throws {
        let path = directory.file("data.txt")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8)))
        let socket = try Socket(family: .unix, type: .stream)
        defer { try? socket.close() }
        XCTAssertThrowsError(try socket.bind(to: .unix(path: path))) {
            XCTAssertEqual(
                ($0 as? SocketError)?.description,
                "bind(\(path)): EADDRINUSE (Address already in use)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data("keep me".utf8))
    }

    func testLiveServersSocketIsNeverDeleted() throws {
        let path = directory.file("live.sock")
        let first = try listen(at: path)
        defer { try? first.close() }
        let second = try Socket(family: .unix, type: .stream)
        XCTAssertThrowsError(try second.bind(to: .unix(path: path))) {
            XCTAssertEqual(($0 as? SocketError)?.code, EADDRINUSE)
        }
        try second.close()
        XCTAssertTrue(isSocketFile(path), "the failed bind must not remove the live server's file")
        let client = try Socket(family: .unix, type: .stream)
        defer { try? client.close() }
        try client.connect(to: .unix(path: path))
    }

    func testCloseLeavesAFileThatReplacedOurs() throws {
        let path = directory.file("replaced.sock")
        let listener = try listen(at: path)
        XCTAssertEqual(unlink(path), 0)
        XCTAssertEqual(mknod(path, S_IFSOCK | 0o600, 0), 0)
        try listener.close()
        XCTAssertTrue(isSocketFile(path), "not the file our bind made")
    }

    func testPathTooLongIsRefusedByName() throws {
        let socket = try Socket(family: .unix, type: .stream)
        defer { try? socket.close() }
        let path = directory.file(String(repeating: "x", count: 120))
        XCTAssertThrowsError(try socket.bind(to: .unix(path: path))) {
            XCTAssertEqual(($0 as? SocketError)?.code, ENAMETOOLONG)
        }
    }

    func testConnectToMissingPath() throws {
        let socket = try Socket(family: .unix, type: .stream)
        defer { try? socket.close() }
        let path = directory.file("nobody.sock")
        XCTAssertThrowsError(try socket.connect(to: .unix(path: path))) {
            XCTAssertEqual(
                ($0 as? SocketError)?.description,
                "connect(\(path)): ENOENT (No such file or directory)")
        }
    }
}
