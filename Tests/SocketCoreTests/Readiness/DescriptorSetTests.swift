import Glibc
import SocketCore
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
        defer { try? left.close(); try? right.close() }
        let descriptor = right.withUnsafeFileDescriptor { $0 }
        var reading = DescriptorSet()
        var writing = DescriptorSet()
        reading.insert(descriptor)
        XCTAssertEqual(try select(reading: &reading, writing: &writing, limit: descriptor + 1, timeout: .milliseconds(10)), 0)
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
}
