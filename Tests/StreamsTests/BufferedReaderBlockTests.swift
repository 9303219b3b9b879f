import Glibc
import SocketCore
import XCTest

@testable import Streams

/// Counted reads, time-outs and errors through `BufferedReader`.
final class BufferedReaderBlockTests: XCTestCase {
    func testReadExactlyAcrossChunks() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["012", "345", "6789", "ab"]))
        XCTAssertEqual(try reader.read(exactly: 0), [])
        XCTAssertEqual(try reader.read(exactly: 4), bytes("0123"))
        XCTAssertEqual(try reader.read(exactly: 6), bytes("456789"))
        XCTAssertEqual(try reader.read(exactly: 2), bytes("ab"))
        XCTAssertThrowsError(try reader.read(exactly: 1)) {
            XCTAssertEqual($0 as? StreamError, .endOfStream(received: 0))
        }
    }

    /// A block larger than the buffer is read straight into the result,
    /// after the bytes that were already buffered; what follows is read on.
    func testReadExactlyALargeBlock() throws {
        let block = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        let stream = ScriptedStream([
            .bytes(bytes("size\r\n") + block.prefix(10)), .bytes(Array(block.dropFirst(10))),
            .bytes(bytes("after\r\n")),
        ])
        let reader = BufferedReader(stream, capacity: 64)
        XCTAssertEqual(try reader.readLine(maxLength: 10), bytes("size"))
        XCTAssertEqual(try reader.read(exactly: 1000), block)
        XCTAssertEqual(reader.storageSize, 64)
        XCTAssertEqual(try reader.readLine(maxLength: 10), bytes("after"))
    }

    /// A block cut short: the error counts what came, and those bytes are
    /// still there (nothing is consumed by a read that fails).
    func testEarlyEndOfABlock() throws {
        let small = BufferedReader(ScriptedStream(chunks: ["abc", "de"]))
        XCTAssertThrowsError(try small.read(exactly: 8)) {
            XCTAssertEqual($0 as? StreamError, .endOfStream(received: 5))
        }
        XCTAssertEqual(small.takeBuffered(), bytes("abcde"))

        let large = BufferedReader(ScriptedStream(chunks: ["abc", "defgh", "ij"]), capacity: 4)
        XCTAssertEqual(try large.read(exactly: 1), bytes("a"))
        XCTAssertThrowsError(try large.read(exactly: 100)) {
            XCTAssertEqual($0 as? StreamError, .endOfStream(received: 9))
        }
        XCTAssertEqual(large.takeBuffered(), bytes("bcdefghij"))
    }

    /// A time-out in the middle of a line loses nothing: the next call,
    /// with a new deadline, finishes the line. Each read gets the deadline.
    func testTimeOutMidLineKeepsWhatCame() throws {
        let stream = ScriptedStream([.bytes(bytes("par")), .timeout, .bytes(bytes("tial\r\n"))])
        let reader = BufferedReader(stream)
        let first = MonotonicInstant.now + .seconds(5)
        XCTAssertThrowsError(try reader.readLine(maxLength: 100, deadline: first)) {
            XCTAssertEqual($0 as? StreamError, .timedOut)
        }
        XCTAssertEqual(reader.bufferedCount, 3)
        let second = MonotonicInstant.now + .seconds(9)
        XCTAssertEqual(try reader.readLine(maxLength: 100, deadline: second), bytes("partial"))
        XCTAssertEqual(stream.readDeadlines, [first, first, second])
    }

    func testTimeOutDuringReadExactly() throws {
        let reader = BufferedReader(ScriptedStream([.bytes(bytes("12")), .timeout, .bytes(bytes("34"))]))
        XCTAssertThrowsError(try reader.read(exactly: 4)) { XCTAssertEqual($0 as? StreamError, .timedOut) }
        XCTAssertEqual(try reader.read(exactly: 4), bytes("1234"))
    }

    func testErrorsOfTheStreamPassThrough() throws {
        let reset = SocketError(code: ECONNRESET, call: "recv")
        let reader = BufferedReader(ScriptedStream([.bytes(bytes("half")), .failure(reset)]))
        XCTAssertThrowsError(try reader.readLine(maxLength: 100)) { error in
            XCTAssertEqual(error as? StreamError, .system(reset))
            XCTAssertEqual("\(error)", "recv: ECONNRESET (Connection reset by peer)")
        }
    }

    func testErrorDescriptions() {
        XCTAssertEqual(StreamError.timedOut.description, "timed out")
        XCTAssertEqual(StreamError.tooLong(maxLength: 512).description, "a line longer than 512 bytes")
        XCTAssertEqual(
            StreamError.endOfStream(received: 3).description,
            "the stream ended after 3 bytes of an unfinished read")
    }

    /// `read(into:)` hands out buffered bytes first, then reads the stream.
    func testReadIntoDrainsTheBufferFirst() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["line\r\nrest", "more"]), capacity: 64)
        XCTAssertEqual(try reader.readLine(maxLength: 10), bytes("line"))
        var buffer = [UInt8](repeating: 0, count: 100)
        let first = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
        XCTAssertEqual(Array(buffer[..<first]), bytes("rest"))
        let second = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
        XCTAssertEqual(Array(buffer[..<second]), bytes("more"))
        XCTAssertEqual(try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }, 0)
    }
}
