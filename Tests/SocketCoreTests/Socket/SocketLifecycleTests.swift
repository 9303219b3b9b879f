import Glibc
import SocketCore
import TestSupport
import XCTest

/// Descriptors: CLOEXEC, closed exactly once, never leaked, never released
/// under a call in progress.
final class SocketLifecycleTests: XCTestCase {
    func testSocketsAreCloseOnExec() throws {
        let (listener, address) = try loopbackListener()
        defer { try? listener.close() }
        let client = try Socket(family: .ipv4, type: .stream)
        defer { try? client.close() }
        try client.connect(to: address)
        let accepted = try listener.accept().get()
        defer { try? accepted.close() }
        let (first, second) = try Socket.pair(type: .datagram)
        defer {
            try? first.close()
            try? second.close()
        }
        for socket in [listener, client, accepted, first, second] {
            let flags = socket.withUnsafeFileDescriptor { fcntl($0, F_GETFD) }
            XCTAssertEqual(flags & FD_CLOEXEC, FD_CLOEXEC)
        }
    }

    func testCloseMarksTheSocketClosed() throws {
        let socket = try Socket(family: .ipv4, type: .datagram)
        XCTAssertTrue(socket.isOpen)
        try socket.close()
        XCTAssertFalse(socket.isOpen)
    }

    /// A close while another thread is blocked in accept waits for that call:
    /// the descriptor number must not be freed (and reused) under it.
    func testCloseDuringABlockedAcceptIsDeferred() throws {
        let (listener, address) = try loopbackListener()
        let before = try openDescriptorCount()
        let server = BackgroundThread { () throws -> Void in
            try listener.accept().get().close()
        }
        usleep(100_000)  // let the thread block in accept
        try listener.close()
        XCTAssertFalse(listener.isOpen)
        XCTAssertEqual(try openDescriptorCount(), before, "still open under the blocked accept")
        let client = try Socket(family: .ipv4, type: .stream)
        try client.connect(to: address)
        try server.value()
        try client.close()
        XCTAssertEqual(try openDescriptorCount(), before - 1, "closed when accept returned")
    }

    func testShutdownWakesABlockedAccept() throws {
        let (listener, _) = try loopbackListener()
        defer { try? listener.close() }
        let server = BackgroundThread { () throws -> SocketError? in
            do throws(SocketError) {
                _ = try listener.accept()
                return nil
            } catch { return error }
        }
        usleep(100_000)
        try listener.shutdown(.read)
        XCTAssertEqual(try server.value()?.code, EINVAL)
    }

    func testNoDescriptorLeaks() throws {
        let directory = try TemporaryFolder(prefix: "sockcore")
        try exerciseEverything(in: directory)  // first run: lazy runtime descriptors settle
        let before = try openDescriptorCount()
        for _ in 0..<3 { try exerciseEverything(in: directory) }
        XCTAssertEqual(try openDescriptorCount(), before)
    }

    /// Success and failure paths of every call that makes a descriptor.
    private func exerciseEverything(in directory: TemporaryFolder) throws {
        let (listener, address) = try loopbackListener()
        let client = try Socket(family: .ipv4, type: .stream)
        try client.connect(to: address, timeout: .seconds(5))
        let accepted = try listener.accept().get()
        try client.sendAll([1, 2, 3])
        XCTAssertEqual(try accepted.receive(maxCount: 3).get(), [1, 2, 3])
        try accepted.close()
        try client.close()

        let refused = try Socket(family: .ipv4, type: .stream)
        let placeholder = try Socket(family: .ipv4, type: .stream)
        try placeholder.bind(to: .loopbackIPv4(port: 0))
        XCTAssertThrowsError(try refused.connect(to: try placeholder.localAddress, timeout: .seconds(1)))
        try refused.close()
        try placeholder.close()
        try listener.close()

        let path = directory.file("leak.sock")
        XCTAssertEqual(mknod(path, S_IFSOCK | 0o600, 0), 0)
        let unix = try Socket(family: .unix, type: .datagram)
        try unix.bind(to: .unix(path: path))  // probes the stale file with a socket of its own
        let squatter = try Socket(family: .unix, type: .datagram)
        XCTAssertThrowsError(try squatter.bind(to: .unix(path: path)))
        try squatter.close()
        try unix.close()

        let (first, second) = try Socket.pair()
        _ = try Socket(family: .ipv6, type: .datagram)  // closed by deinit
        try first.close()
        try second.close()
    }
}
