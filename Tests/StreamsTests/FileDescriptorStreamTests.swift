import Glibc
import SocketCore
import Streams
import SystemPackage
import XCTest

/// A plain descriptor (a pipe here) as a byte stream.
final class FileDescriptorStreamTests: XCTestCase {
    func testLinesThroughAPipe() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        let input = FileDescriptorStream(readEnd, owning: true)
        let output = FileDescriptorStream(writeEnd)
        try output.write(bytes("first\nsecond\n"), deadline: .now + .seconds(5))
        try output.close(deadline: nil)
        let reader = BufferedReader(input)
        XCTAssertEqual(try reader.read(until: bytes("\n"), maxLength: 10), bytes("first"))
        XCTAssertEqual(try reader.read(until: bytes("\n"), maxLength: 10), bytes("second"))
        XCTAssertNil(try reader.read(until: bytes("\n"), maxLength: 10))
    }

    func testReadDeadlineOnAnEmptyPipe() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? writeEnd.close() }
        let input = FileDescriptorStream(readEnd, owning: true)
        let started = MonotonicInstant.now
        var buffer = [UInt8](repeating: 0, count: 16)
        XCTAssertThrowsError(try input.read(into: &buffer, deadline: started + .milliseconds(100))) {
            XCTAssertEqual($0 as? StreamError, .timedOut)
        }
        XCTAssertLessThan(MonotonicInstant.now - started, .milliseconds(1500))
    }

    /// A non-blocking descriptor with no deadline waits for its bytes
    /// instead of reporting `EAGAIN` as the end of the input.
    func testNonBlockingDescriptorWaits() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        XCTAssertEqual(fcntl(readEnd.rawValue, F_SETFL, O_NONBLOCK), 0)
        let input = FileDescriptorStream(readEnd, owning: true)
        let writer = try PosixThread.start {
            usleep(50_000)
            _ = try? writeEnd.writeAll(Array("late\n".utf8))
            try? writeEnd.close()
        }
        let reader = BufferedReader(input)
        XCTAssertEqual(try reader.read(until: bytes("\n"), maxLength: 10), bytes("late"))
        XCTAssertNil(try reader.read(until: bytes("\n"), maxLength: 10))
        writer.join()
    }

    func testErrorsNameTheCall() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer {
            try? readEnd.close()
            try? writeEnd.close()
        }
        let input = FileDescriptorStream(readEnd)
        XCTAssertThrowsError(try input.shutdown(.write, deadline: nil)) {
            XCTAssertEqual(
                "\($0)",
                "shutdown(descriptor \(readEnd.rawValue)): ENOTSOCK (Socket operation on non-socket)")
        }
        // The read end of a pipe cannot be written.
        XCTAssertThrowsError(try input.write(bytes("x"), deadline: nil)) {
            XCTAssertEqual($0 as? StreamError, .system(SocketError(code: EBADF, call: "write")))
        }
    }
}
