import Glibc
import SocketCore
import XCTest

@testable import Servers

/// The pieces of the handler interface that need no server: the output
/// queue's order, the deadline heap, the wake inbox, and pending output
/// sent over a real socket pair.
final class HandlerPartsTests: XCTestCase {
    func testOutputQueueKeepsBytesAndFileRangesInOrder() throws {
        let path = "/tmp/sockworks-output-queue-\(getpid())"
        let content = Array("0123456789".utf8)
        XCTAssertTrue(FileManagerLess.write(content, to: path))
        defer { unlink(path) }
        let file = try OpenFile(path: path)
        XCTAssertEqual(file.size, 10)

        var queue = OutputQueue()
        XCTAssertTrue(queue.isEmpty)
        queue.append("a")
        queue.append(file: file, offset: 2, count: 3)
        queue.append(file: file, offset: 9, count: 0)  // empty: nothing queued
        queue.append("b")
        queue.append(file: file, offset: 8)  // the rest: "89"
        XCTAssertEqual(queue.count, 1 + 3 + 1 + 2)
        let chunks = queue.takeChunks()
        XCTAssertTrue(queue.isEmpty)
        XCTAssertEqual(chunks.map(\.count), [1, 3, 1, 2])

        let (sender, receiver) = try Socket.pair()
        defer {
            try? sender.close()
            try? receiver.close()
        }
        var pending = PendingOutput(chunks)
        XCTAssertTrue(try pending.send(on: sender))
        XCTAssertTrue(pending.isEmpty)
        XCTAssertEqual(try receiver.receive(maxCount: 64).value, Array("a234b89".utf8))
    }

    func testPendingOutputStopsWhenTheSocketIsFullAndGoesOnLater() throws {
        let (sender, receiver) = try Socket.pair()
        defer {
            try? sender.close()
            try? receiver.close()
        }
        try sender.setNonBlocking(true)
        let block = [UInt8](repeating: 7, count: 1 << 20)
        var pending = PendingOutput([.bytes(block), .bytes([8])])
        XCTAssertFalse(try pending.send(on: sender), "a socket pair buffers less than 1 MiB")
        var received: [UInt8] = []
        while received.count < block.count + 1 {
            if let bytes = try receiver.receive(maxCount: 1 << 16).value { received += bytes }
            if !pending.isEmpty { _ = try pending.send(on: sender) }
        }
        XCTAssertTrue(pending.isEmpty)
        XCTAssertEqual(received, block + [8])
    }

    func testOpenFileRefusesDirectories() {
        XCTAssertThrowsError(try OpenFile(path: "/tmp")) { error in
            XCTAssertEqual((error as? SocketError)?.code, EISDIR)
        }
        XCTAssertThrowsError(try OpenFile(path: "/nonexistent/file")) { error in
            XCTAssertEqual((error as? SocketError)?.code, ENOENT)
        }
    }

    func testDeadlineHeapPopsInOrderAndOnlyWhenDue() {
        var heap = DeadlineHeap()
        XCTAssertNil(heap.earliest)
        let base = MonotonicInstant(nanoseconds: 1_000_000_000)
        let offsets = [50, 10, 40, 10, 30, 20, 0, 60]
        for (index, offset) in offsets.enumerated() {
            heap.push(base + .milliseconds(offset), descriptor: Int32(index), generation: 1)
        }
        XCTAssertEqual(heap.earliest, base)
        XCTAssertNil(heap.popDue(now: base - .milliseconds(1)))
        var popped: [Int] = []
        while let entry = heap.popDue(now: base + .milliseconds(35)) {
            popped.append(Int(entry.instant.duration(to: base).components.seconds))
            XCTAssertLessThanOrEqual(entry.instant, base + .milliseconds(35))
        }
        XCTAssertEqual(popped.count, 5)
        XCTAssertEqual(heap.earliest, base + .milliseconds(40))
    }

    func testWakeInboxCoalescesAndSignalsItsDescriptor() throws {
        let inbox = WakeInbox()
        XCTAssertNil(inbox.descriptor, "no eventfd until a waker is made")
        var io = SessionIO(wakeInbox: inbox)
        io.wakeToken = 42
        let waker = io.makeWaker()
        let descriptor = try XCTUnwrap(inbox.descriptor)
        waker.wake()
        waker.wake()
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        XCTAssertEqual(poll(&entry, 1, 1000), 1)
        XCTAssertEqual(inbox.take(), [42])
        XCTAssertEqual(poll(&entry, 1, 0), 0, "taking clears the eventfd")
    }
}

/// A whole file written with plain system calls.
private enum FileManagerLess {
    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count
    }
}
