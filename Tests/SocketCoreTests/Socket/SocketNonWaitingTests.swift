import Glibc
import SocketCore
import XCTest

/// Calls that never wait on a blocking socket, and the wait for room to
/// send: what a caller keeping its own deadline builds on.
final class SocketNonWaitingTests: XCTestCase {
    func testReceiveWithoutWaitingOnABlockingSocket() throws {
        let (near, far) = try Socket.pair()
        defer {
            try? near.close()
            try? far.close()
        }
        var buffer = [UInt8](repeating: 0, count: 16)
        let nothing = try buffer.withUnsafeMutableBytes { try near.receive(into: $0, waiting: false) }
        XCTAssertEqual(nothing, .wouldBlock, "a blocking socket with nothing to read must not wait")
        try far.sendAll(Array("abc".utf8))
        let some = try buffer.withUnsafeMutableBytes { try near.receive(into: $0, waiting: false) }
        XCTAssertEqual(some, .processed(3))
    }

    /// A send that does not wait takes what fits and returns; once the
    /// buffers are full it takes nothing, and the socket is not writable
    /// until the peer reads.
    func testSendWithoutWaitingTakesWhatFits() throws {
        let (near, far) = try Socket.pair()
        defer {
            try? near.close()
            try? far.close()
        }
        let block = [UInt8](repeating: 0x42, count: 16 << 20)
        let taken = try block.withUnsafeBytes { try near.send($0, waiting: false) }
        let count = try XCTUnwrap(taken.value)
        XCTAssertGreaterThan(count, 0)
        XCTAssertLessThan(count, block.count, "a blocking send would have waited for all of it")
        XCTAssertEqual(try block.withUnsafeBytes { try near.send($0, waiting: false) }, .wouldBlock)

        let started = MonotonicInstant.now
        XCTAssertEqual(try near.waitUntilWritable(until: started + .milliseconds(100)), .timedOut)
        XCTAssertGreaterThanOrEqual(MonotonicInstant.now - started, .milliseconds(100))
        _ = try far.receive(maxCount: 1 << 20)
        XCTAssertEqual(try near.waitUntilWritable(until: .now + .seconds(5)), .ready)
    }
}
