import SocketCore
import Streams
import XCTest

final class BufferedWriterTests: XCTestCase {
    func testSmallWritesGoOutTogetherOnFlush() throws {
        let stream = ScriptedStream([])
        let writer = BufferedWriter(stream, capacity: 64)
        try writer.write("EHLO ")
        try writer.write(bytes("client.example"))
        try writer.write("\r\n")
        XCTAssertEqual(stream.writes, [], "nothing goes out before a flush")
        XCTAssertEqual(writer.bufferedCount, 21)
        try writer.flush()
        XCTAssertEqual(stream.writes, [bytes("EHLO client.example\r\n")])
        try writer.flush()
        XCTAssertEqual(stream.writes.count, 1, "an empty flush writes nothing")
    }

    /// Every byte reaches the stream in the order written: a write that
    /// does not fit sends the buffer first, a large one goes through after it.
    func testFlushOrder() throws {
        let stream = ScriptedStream([])
        let writer = BufferedWriter(stream, capacity: 8)
        try writer.write(bytes("12345"))
        try writer.write(bytes("678"))
        XCTAssertEqual(stream.writes, [], "exactly full still fits")
        try writer.write(bytes("9"))
        XCTAssertEqual(stream.writes, [bytes("12345678")])
        let large = [UInt8](repeating: 0x41, count: 20)
        try writer.write(large)
        XCTAssertEqual(stream.writes, [bytes("12345678"), bytes("9"), large])
        XCTAssertEqual(writer.bufferedCount, 0)
        try writer.write(bytes("tail"))
        try writer.flush(deadline: .now + .seconds(1))
        XCTAssertEqual(stream.writes.last, bytes("tail"))
    }

    func testAFailedFlushEmptiesTheBuffer() throws {
        let stream = ScriptedStream([])
        let writer = BufferedWriter(stream)
        try writer.write("QUIT\r\n")
        stream.writeFailure = .timedOut
        XCTAssertThrowsError(try writer.flush()) { XCTAssertEqual($0 as? StreamError, .timedOut) }
        XCTAssertEqual(writer.bufferedCount, 0)
    }
}
