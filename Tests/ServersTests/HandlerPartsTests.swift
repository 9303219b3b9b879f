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

    func testFilePiecesEndInsideAPageAndCoverTheFile() {
        XCTAssertEqual(PendingOutput.pieceEnd(after: 0), 256 * 1024 - 2048)
        var start: Int64 = 0
        var ends: [Int64] = []
        while start < 4 << 20 {
            let end = PendingOutput.pieceEnd(after: start)
            XCTAssertGreaterThan(end, start)
            XCTAssertLessThanOrEqual(end - start, PendingOutput.piece)
            XCTAssertNotEqual(end % 4096, 0, "a piece ends on a page boundary at \(end)")
            ends.append(end)
            start = end
        }
        XCTAssertEqual(ends.count, 17)
        XCTAssertTrue(zip(ends, ends.dropFirst()).allSatisfy { $1 - $0 == PendingOutput.piece })
        // A send that stopped part-way (a full socket) resumes towards the
        // same piece end.
        XCTAssertEqual(PendingOutput.pieceEnd(after: 1000), 256 * 1024 - 2048)
        XCTAssertEqual(PendingOutput.pieceEnd(after: 256 * 1024 - 2049), 256 * 1024 - 2048)
    }

    func testAFileLargerThanAPieceArrivesWhole() throws {
        let path = "/tmp/sockworks-pieces-\(getpid())"
        let content = (0..<(1 << 20) + 3).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        XCTAssertTrue(FileManagerLess.write(content, to: path))
        defer { unlink(path) }
        let file = try OpenFile(path: path)
        let (sender, receiver) = try Socket.pair()
        defer {
            try? sender.close()
            try? receiver.close()
        }
        try sender.setNonBlocking(true)
        var pending = PendingOutput([.bytes(Array("head".utf8)), .file(file, offset: 5, count: file.size - 5)])
        var received: [UInt8] = []
        var sent = 0
        while received.count < 4 + content.count - 5 {
            if !pending.isEmpty { _ = try pending.send(on: sender, sent: &sent) }
            if let bytes = try receiver.receive(maxCount: 1 << 16).value { received += bytes }
        }
        XCTAssertTrue(pending.isEmpty)
        XCTAssertEqual(sent, received.count)
        XCTAssertEqual(received, Array("head".utf8) + content[5...])
    }

    func testANoDelayListenerGivesItsConnectionsAndWorkersNoDelay() throws {
        let loopback = SocketAddress(IPAddress("127.0.0.1")!, port: 0)
        // Workers share their port: a connection could reach any of them,
        // so the accept is tried on a listener of its own.
        let shared = try ServiceBootstrap.listeningSocket(on: loopback, reusePort: true, noDelay: true)
        let workers = try EpollWorkers.listeners(sharing: shared, workers: 2, model: "epoll")
        defer { for socket in workers { try? socket.close() } }
        XCTAssertTrue(try workers.allSatisfy { try $0.option(.noDelay) })

        let listener = try ServiceBootstrap.listeningSocket(on: loopback, noDelay: true)
        defer { try? listener.close() }
        let client = try Socket(family: listener.localAddress.family, type: .stream)
        defer { try? client.close() }
        _ = try client.connect(to: try listener.localAddress)
        let accepted = try XCTUnwrap(try listener.accept().value)
        defer { try? accepted.close() }
        XCTAssertTrue(try accepted.option(.noDelay))

        let plain = try ServiceBootstrap.listeningSocket(on: loopback)
        defer { try? plain.close() }
        XCTAssertFalse(try plain.option(.noDelay))
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

    func testDeadlineHeapKeepsOneEntryPerDescriptorAndDropsAClosedOne() {
        var heap = DeadlineHeap()
        let base = MonotonicInstant(nanoseconds: 1_000_000_000)
        for descriptor in 0..<1000 {
            heap.push(base + .milliseconds(descriptor), descriptor: Int32(descriptor), generation: 1)
        }
        // Connections closing before their deadlines leave nothing behind.
        for descriptor in stride(from: 0, to: 1000, by: 2) { heap.remove(descriptor: Int32(descriptor)) }
        heap.remove(descriptor: 5000)
        XCTAssertEqual(heap.count, 500)
        // A deadline armed again moves the descriptor's one entry.
        heap.push(base + .seconds(10), descriptor: 1, generation: 2)
        heap.push(base - .milliseconds(1), descriptor: 999, generation: 2)
        XCTAssertEqual(heap.count, 500)
        XCTAssertEqual(heap.earliest, base - .milliseconds(1))
        var popped: [Int32] = []
        while let entry = heap.popDue(now: base + .seconds(20)) {
            if let last = popped.last { XCTAssertNotEqual(last, entry.descriptor) }
            popped.append(entry.descriptor)
        }
        XCTAssertEqual(popped.count, 500)
        XCTAssertEqual(popped.first, 999)
        XCTAssertEqual(popped.last, 1)
        XCTAssertEqual(Array(popped.dropFirst().dropLast()), Array(stride(from: 3, to: 999, by: 2).map(Int32.init)))
        XCTAssertNil(heap.earliest)
        // A descriptor reused after its entry was popped gets a new one.
        heap.push(base, descriptor: 3, generation: 3)
        XCTAssertEqual(heap.popDue(now: base)?.generation, 3)
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
