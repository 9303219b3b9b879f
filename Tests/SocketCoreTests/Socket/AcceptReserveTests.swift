import Glibc
import SocketCore
import TestSupport
import XCTest

final class AcceptReserveTests: XCTestCase {
    /// With every descriptor in use, accept fails with EMFILE and the
    /// connections stay in the backlog; the reserve takes them off and
    /// closes them, so the clients see end-of-file instead of a hang.
    func testShedsWaitingConnectionsWhenOutOfDescriptors() throws {
        let (listener, address) = try loopbackListener()
        defer { try? listener.close() }
        try listener.setNonBlocking(true)
        let reserve = try AcceptReserve()
        let clients = try (0..<3).map { _ in
            let client = try Socket(family: .ipv4, type: .stream)
            try client.connect(to: address, timeout: .seconds(5))
            return client
        }
        defer { for client in clients { try? client.close() } }

        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let saved = limit
        defer {
            var restore = saved
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &restore)
        }
        // Fill the table: lower the limit to the descriptors now open.
        limit.rlim_cur = rlim_t(try openDescriptorCount() - 1)
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit), 0)
        var filler: [Int32] = []
        while true {
            let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
            if descriptor < 0 { break }
            filler.append(descriptor)
        }
        defer { for descriptor in filler { close(descriptor) } }

        var thrown: SocketError?
        do { _ = try listener.accept(nonBlocking: true) } catch { thrown = error }
        XCTAssertTrue(thrown.map(AcceptReserve.isOutOfDescriptors) ?? false, "\(String(describing: thrown))")
        XCTAssertEqual(reserve.shed(from: listener), 3)
        var restore = saved
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &restore)

        for client in clients {
            try client.setOption(.receiveTimeout, to: .seconds(5))
            XCTAssertEqual(try client.receive(maxCount: 16).get(), [], "the shed connection is closed")
        }
        XCTAssertNil(try listener.accept(nonBlocking: true).value, "nothing is left waiting")
    }
}
