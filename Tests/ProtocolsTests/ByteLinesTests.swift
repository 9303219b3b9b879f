import Glibc
import Protocols
import SocketCore
import Streams
import SystemPackage
import XCTest

/// The echo clients' input lines, read from a real pipe.
final class ByteLinesTests: XCTestCase {
    func testSplitsOnNewlineOnlyAndDecodesNothing() throws {
        let input: [UInt8] = Array("one\r\n\ntwo\rthree\n".utf8) + [0xFF, 0x00, 0x0A] + Array("last".utf8)
        let lines = try ByteLines(pipe(holding: input))
        XCTAssertEqual(
            Array(lines),
            [
                Array("one\r".utf8), [], Array("two\rthree".utf8), [0xFF, 0x00],
                Array("last".utf8),
            ])
        XCTAssertNil(lines.failure)
    }

    func testANewlineAtTheEndMakesNoEmptyLine() throws {
        XCTAssertEqual(Array(try ByteLines(pipe(holding: Array("a\n".utf8)))), [Array("a".utf8)])
        XCTAssertEqual(Array(try ByteLines(pipe(holding: []))), [])
        XCTAssertEqual(Array(try ByteLines(pipe(holding: Array("\n".utf8)))), [[]])
    }

    /// A line over the limit ends the lines, and says so.
    func testALineOverTheLimitEndsTheLines() throws {
        let lines = try ByteLines(pipe(holding: Array("short\n123456789\nafter\n".utf8)), maxLength: 8)
        XCTAssertEqual(Array(lines), [Array("short".utf8)])
        XCTAssertEqual(lines.failure, .tooLong(maxLength: 8))
        XCTAssertNil(lines.next(), "ended lines stay ended")
    }

    /// A failed read ends the lines like the end of the input, and says why.
    func testAFailedReadEndsTheLines() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer {
            try? readEnd.close()
            try? writeEnd.close()
        }
        let lines = ByteLines(writeEnd)
        XCTAssertEqual(Array(lines), [])
        XCTAssertEqual(lines.failure, .system(SocketError(code: EBADF, call: "read")))
    }

    /// The read end of a pipe that holds `bytes` and then ends.
    private func pipe(holding bytes: [UInt8]) throws -> FileDescriptor {
        precondition(bytes.count < 65536, "more than a pipe holds without a reader")
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        addTeardownBlock { try? readEnd.close() }
        _ = try writeEnd.writeAll(bytes)
        try writeEnd.close()
        return readEnd
    }
}
