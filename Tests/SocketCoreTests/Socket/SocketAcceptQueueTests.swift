import SocketCore
import TestSupport
import XCTest

/// `pendingConnectionCount`: a TCP listener's accept queue as the kernel
/// counts it, and nil for every socket that has no such count.
final class SocketAcceptQueueTests: XCTestCase {
    func testCountsTheConnectionsQueuedAndEachAcceptTakesOne() throws {
        for family in [SocketFamily.ipv4, .ipv6] {
            let (listener, address) = try loopbackListener(family)
            defer { try? listener.close() }
            XCTAssertEqual(listener.pendingConnectionCount, 0, "\(family)")
            let clients = try (0..<3).map { _ in
                let client = try Socket(family: family, type: .stream)
                try client.connect(to: address, timeout: .seconds(5))
                return client
            }
            defer { for client in clients { try? client.close() } }
            // A connect returns once the handshake is done on its side; the
            // listener's queue has it by the time its final ACK is taken in.
            XCTAssertTrue(eventually { listener.pendingConnectionCount == 3 }, "\(family)")
            try listener.setNonBlocking(true)
            let accepted = try listener.accept(nonBlocking: true).get()
            defer { try? accepted.close() }
            XCTAssertEqual(listener.pendingConnectionCount, 2, "\(family)")
        }
    }

    func testNilForSocketsThatAreNotTCPListeners() throws {
        let (listener, address) = try loopbackListener()
        defer { try? listener.close() }
        let client = try Socket(family: .ipv4, type: .stream)
        defer { try? client.close() }
        XCTAssertNil(client.pendingConnectionCount, "a TCP socket not yet connected")
        try client.connect(to: address, timeout: .seconds(5))
        XCTAssertNil(client.pendingConnectionCount, "a connected TCP socket")
        let datagram = try Socket(family: .ipv4, type: .datagram)
        defer { try? datagram.close() }
        XCTAssertNil(datagram.pendingConnectionCount, "a UDP socket")

        let folder = try TemporaryFolder(prefix: "acceptqueue")
        let unix = try Socket(family: .unix, type: .stream)
        defer { try? unix.close() }
        try unix.bind(to: .unix(path: folder.file("listener.sock")))
        try unix.listen()
        XCTAssertNil(unix.pendingConnectionCount, "a UNIX listener")
    }

    /// Polls `condition` for up to five seconds.
    private func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = MonotonicInstant.now + .seconds(5)
        while !condition() {
            if MonotonicInstant.now >= deadline { return false }
            Pause.sleep(for: .milliseconds(5))
        }
        return true
    }
}
