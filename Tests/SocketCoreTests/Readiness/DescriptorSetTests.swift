import Glibc
import SocketCore
import Synchronization
import XCTest

final class DescriptorSetTests: XCTestCase {
    func testInsertRemoveContainsAcrossWords() {
        var set = DescriptorSet()
        for descriptor: Int32 in [0, 1, 63, 64, 65, 1023] { XCTAssertTrue(set.insert(descriptor)) }
        for descriptor: Int32 in [0, 1, 63, 64, 65, 1023] { XCTAssertTrue(set.contains(descriptor), "\(descriptor)") }
        for descriptor: Int32 in [2, 62, 66, 1022] { XCTAssertFalse(set.contains(descriptor), "\(descriptor)") }
        set.remove(64)
        XCTAssertFalse(set.contains(64))
        XCTAssertTrue(set.contains(63))
        XCTAssertTrue(set.contains(65))
    }

    /// FD_SET(1024) would write past the set; here it is refused and
    /// nothing in the set changes.
    func testDescriptorsOutsideTheSetAreRefused() {
        var set = DescriptorSet()
        XCTAssertEqual(DescriptorSet.capacity, 1024)
        XCTAssertFalse(set.insert(1024))
        XCTAssertFalse(set.insert(5000))
        XCTAssertFalse(set.insert(-1))
        XCTAssertFalse(set.contains(1024))
        XCTAssertFalse((0..<1024).contains { set.contains(Int32($0)) })
    }

    func testSelectReportsAReadableSocket() throws {
        let (left, right) = try Socket.pair()
        defer {
            try? left.close()
            try? right.close()
        }
        let descriptor = right.withUnsafeFileDescriptor { $0 }
        var reading = DescriptorSet()
        var writing = DescriptorSet()
        reading.insert(descriptor)
        XCTAssertEqual(
            try select(reading: &reading, writing: &writing, limit: descriptor + 1, timeout: .milliseconds(10)), 0)
        XCTAssertFalse(reading.contains(descriptor), "a timeout leaves the set empty")

        _ = try left.send([1, 2, 3])
        reading.insert(descriptor)
        XCTAssertEqual(try select(reading: &reading, writing: &writing, limit: descriptor + 1, timeout: .seconds(5)), 1)
        XCTAssertTrue(reading.contains(descriptor))
    }
}

final class PollSetTests: XCTestCase {
    func testRemovingMovesTheLastEntryIntoTheHole() {
        var set = PollSet()
        XCTAssertEqual(set.append(10, events: .readable), 0)
        XCTAssertEqual(set.append(11, events: .readable), 1)
        XCTAssertEqual(set.append(12, events: .writable), 2)
        XCTAssertEqual(set.remove(at: 0), 12, "the last entry moves to index 0")
        XCTAssertEqual(set.descriptor(at: 0), 12)
        XCTAssertEqual(set.descriptor(at: 1), 11)
        XCTAssertNil(set.remove(at: 1), "removing the last entry moves nothing")
        XCTAssertEqual(set.count, 1)
    }

    func testWaitReportsReadableWritableAndHangUp() throws {
        let (left, right) = try Socket.pair()
        defer { try? right.close() }
        var set = PollSet()
        let index = set.append(right.withUnsafeFileDescriptor { $0 }, events: .readable)
        XCTAssertEqual(try set.wait(timeout: .milliseconds(10)), 0)

        set.setInterest(.writable, at: index)
        XCTAssertEqual(try set.wait(timeout: .seconds(5)), 1)
        XCTAssertTrue(set.ready(at: index).contains(.writable))

        set.setInterest(.readable, at: index)
        try left.close()
        XCTAssertEqual(try set.wait(timeout: .seconds(5)), 1)
        XCTAssertTrue(set.ready(at: index).contains(.readable) || set.ready(at: index).contains(.hangUp))
    }

    func testWaitUntilADeadlineReportsReadyAndTimeout() throws {
        let (left, right) = try Socket.pair()
        defer {
            try? left.close()
            try? right.close()
        }
        var set = PollSet()
        let index = set.append(right.withUnsafeFileDescriptor { $0 }, events: .readable)
        let started = ContinuousClock.now
        XCTAssertEqual(try set.wait(until: .now + .milliseconds(30)), .timedOut)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(30))
        _ = try left.send([1])
        XCTAssertEqual(try set.wait(until: .now + .seconds(5)), .ready)
        XCTAssertTrue(set.ready(at: index).contains(.readable))
    }

    /// A signal ends the wait at once instead of being retried.
    func testWaitUntilADeadlineReturnsOnASignal() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        sigaction(SIGUSR2, &action, &previous)

        let (left, right) = try Socket.pair()
        defer {
            try? left.close()
            try? right.close()
        }
        var set = PollSet()
        _ = set.append(right.withUnsafeFileDescriptor { $0 }, events: .readable)
        let waiter = pthread_self()
        let done = Atomic<Bool>(false)
        let signaller = Atomic<Bool>(true)
        // Signals again and again (bounded) in case one lands before poll starts.
        try PosixThread.startDetached {
            for _ in 0..<200 where !done.load(ordering: .relaxed) {
                usleep(20_000)
                if !done.load(ordering: .relaxed) { pthread_kill(waiter, SIGUSR2) }
            }
            signaller.store(false, ordering: .releasing)
        }
        let started = ContinuousClock.now
        let outcome = try set.wait(until: .now + .seconds(5))
        done.store(true, ordering: .relaxed)
        // The default action of SIGUSR2 ends the process: put it back only
        // once the signalling thread can send no more.
        for _ in 0..<5000 where signaller.load(ordering: .acquiring) { usleep(1000) }
        if !signaller.load(ordering: .acquiring) { sigaction(SIGUSR2, &previous, nil) }
        XCTAssertEqual(outcome, .interrupted)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(4))
    }
}
