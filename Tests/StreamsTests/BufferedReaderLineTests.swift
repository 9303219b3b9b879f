import SocketCore
import XCTest

@testable import Streams

/// Lines through `BufferedReader`, however the bytes arrive.
final class BufferedReaderLineTests: XCTestCase {
    func testLinesSplitAcrossReads() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["HEL", "LO\r", "\nWOR", "LD\r\nlast", "\r\n"]))
        XCTAssertEqual(try reader.readLine(maxLength: 100), bytes("HELLO"))
        XCTAssertEqual(try reader.readLine(maxLength: 100), bytes("WORLD"))
        XCTAssertEqual(try reader.readLine(maxLength: 100), bytes("last"))
        XCTAssertNil(try reader.readLine(maxLength: 100), "a clean end of stream is no line")
    }

    func testOneByteAtATime() throws {
        let stream = ScriptedStream(byteAtATime: bytes("220 ready\r\n\r\n250-one\r\n250 two\r\n"))
        let reader = BufferedReader(stream)
        var lines: [[UInt8]] = []
        while let line = try reader.readLine(maxLength: 64) { lines.append(line) }
        XCTAssertEqual(lines, [bytes("220 ready"), [], bytes("250-one"), bytes("250 two")])
        XCTAssertEqual(stream.bytesRead, 31)
    }

    /// The CR at the end of one read and the LF at the start of the next
    /// are one line end, not a bare CR.
    func testLineEndSplitBetweenCRAndLF() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["abc\r", "\ndef\r", "\n"]))
        XCTAssertEqual(try reader.readLine(maxLength: 3), bytes("abc"))
        XCTAssertEqual(try reader.readLine(maxLength: 3), bytes("def"))
        XCTAssertNil(try reader.readLine(maxLength: 3))
    }

    /// As lines are taken from the front, the rest moves back before little
    /// room is left behind it: the stream is never read a few bytes at a time.
    func testReadsStayLargeAsLinesAreTaken() throws {
        let input = Array(repeating: bytes("abcdefg\r\n"), count: 100).flatMap { $0 }
        // Arriving 50 bytes at a time, leaving 14 bytes of room after the first.
        let stream = ScriptedStream(stride(from: 0, to: input.count, by: 50).map { .bytes(Array(input[$0..<$0 + 50])) })
        let reader = BufferedReader(stream, capacity: 64)
        for _ in 0..<100 { XCTAssertEqual(try reader.readLine(maxLength: 10), bytes("abcdefg")) }
        XCTAssertNil(try reader.readLine(maxLength: 10))
        XCTAssertGreaterThanOrEqual(stream.readBufferSizes.min() ?? 0, 16, "\(stream.readBufferSizes)")
        XCTAssertEqual(reader.storageSize, 64)
    }

    /// CRLF lines keep a bare CR or a bare LF inside them: whether to
    /// refuse one is the protocol's business.
    func testBareCRAndLFArePartOfACRLFLine() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["a\rb\nc\r", "\r\n"]))
        XCTAssertEqual(try reader.readLine(maxLength: 100), bytes("a\rb\nc\r"))
    }

    func testLFEndingAcceptsBothEnds() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["one\ntwo\r", "\nthree\r\r\n\n", "\r\n"]))
        XCTAssertEqual(try reader.readLine(maxLength: 10, ending: .lf), bytes("one"))
        XCTAssertEqual(try reader.readLine(maxLength: 10, ending: .lf), bytes("two"))
        XCTAssertEqual(try reader.readLine(maxLength: 10, ending: .lf), bytes("three\r"), "only one CR is the end's")
        XCTAssertEqual(try reader.readLine(maxLength: 10, ending: .lf), [])
        XCTAssertEqual(try reader.readLine(maxLength: 10, ending: .lf), [])
        XCTAssertNil(try reader.readLine(maxLength: 10, ending: .lf))
    }

    func testMaxLengthCountsTheLineWithoutItsEnd() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["12345\r\n", "123456\r\n"]))
        XCTAssertEqual(try reader.readLine(maxLength: 5), bytes("12345"))
        XCTAssertThrowsError(try reader.readLine(maxLength: 5)) {
            XCTAssertEqual($0 as? StreamError, .tooLong(maxLength: 5))
        }

        let lf = BufferedReader(ScriptedStream(chunks: ["12345\r\n", "12345\n", "123456\n"]))
        XCTAssertEqual(try lf.readLine(maxLength: 5, ending: .lf), bytes("12345"))
        XCTAssertEqual(try lf.readLine(maxLength: 5, ending: .lf), bytes("12345"))
        XCTAssertThrowsError(try lf.readLine(maxLength: 5, ending: .lf)) {
            XCTAssertEqual($0 as? StreamError, .tooLong(maxLength: 5))
        }
    }

    /// No limit at all is a limit too: it does not overflow.
    func testTheLargestLimit() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["a\r\nb\n", "c"]), capacity: 2)
        XCTAssertEqual(try reader.readLine(maxLength: .max), bytes("a"))
        XCTAssertEqual(try reader.readLine(maxLength: .max, ending: .lf), bytes("b"))
        XCTAssertThrowsError(try reader.read(until: [0], maxLength: .max)) {
            XCTAssertEqual($0 as? StreamError, .endOfStream(received: 1))
        }
    }

    /// A 1 MiB line against an 8 KiB limit: refused after reading little
    /// more than the limit, with the buffer no larger than that; the line
    /// can then be skipped and the next one read.
    func testMegabyteLineIsRefusedAndCanBeSkipped() throws {
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        let chunks = stride(from: 0, to: line.count, by: 65536).map {
            ScriptedStream.Step.bytes(Array(line[$0..<$0 + 65536]))
        }
        let stream = ScriptedStream(chunks + [.bytes(bytes("\r\nnext\r\n"))])
        let reader = BufferedReader(stream, capacity: 4096)

        XCTAssertThrowsError(try reader.readLine(maxLength: 8192)) {
            XCTAssertEqual($0 as? StreamError, .tooLong(maxLength: 8192))
        }
        XCTAssertLessThanOrEqual(reader.storageSize, 8192 + 2, "the buffer grew past the limit")
        XCTAssertLessThanOrEqual(stream.bytesRead, 8192 + 2)
        XCTAssertEqual(reader.bufferedCount, stream.bytesRead, "nothing was consumed")
        XCTAssertThrowsError(try reader.readLine(maxLength: 8192), "the same line is still there")

        XCTAssertEqual(try reader.discard(through: bytes("\r\n")), line.count)
        XCTAssertLessThanOrEqual(stream.largestReadBuffer, 8192 + 2, "the skip held more than the buffer")
        XCTAssertEqual(try reader.readLine(maxLength: 8192), bytes("next"))
        XCTAssertNil(try reader.readLine(maxLength: 8192))
    }

    /// A limit above the line lets it through; the buffer then shrinks back.
    func testLongLineWithinALargeLimitIsReadAndTheBufferShrinks() throws {
        let line = [UInt8](repeating: UInt8(ascii: "y"), count: 1 << 20)
        let stream = ScriptedStream([.bytes(line + bytes("\r\nshort\r\n"))])
        let reader = BufferedReader(stream, capacity: 4096)
        XCTAssertEqual(try reader.readLine(maxLength: 2 << 20), line)
        XCTAssertEqual(reader.storageSize, 4096)
        XCTAssertEqual(try reader.readLine(maxLength: 100), bytes("short"))
    }

    /// The stream ends in the middle of a line: the error says so, and the
    /// partial line stays buffered for whoever wants it.
    func testEarlyEndMidLine() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["whole\r\n", "part", "ial\r"]))
        XCTAssertEqual(try reader.readLine(maxLength: 100), bytes("whole"))
        XCTAssertThrowsError(try reader.readLine(maxLength: 100)) {
            XCTAssertEqual($0 as? StreamError, .endOfStream(received: 8))
        }
        XCTAssertEqual(reader.takeBuffered(), bytes("partial\r"))
        XCTAssertNil(try reader.readLine(maxLength: 100))
    }

    func testRecordsUpToADelimiterOfSeveralBytes() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["Host: a\r\nX: b\r\n\r", "\n", "body\r\n\r\n"]))
        let delimiter = bytes("\r\n\r\n")
        XCTAssertEqual(try reader.read(until: delimiter, maxLength: 16), bytes("Host: a\r\nX: b"))
        XCTAssertThrowsError(try reader.read(until: delimiter, maxLength: 3)) {
            XCTAssertEqual($0 as? StreamError, .tooLong(maxLength: 3))
        }
        XCTAssertEqual(try reader.read(until: delimiter, maxLength: 4), bytes("body"))
        XCTAssertNil(try reader.read(until: [0], maxLength: 4))
    }

    /// What came after a reply stays in the buffer: a STARTTLS client
    /// refuses to upgrade when the server pipelined anything.
    func testBytesAfterALineStayBuffered() throws {
        let reader = BufferedReader(ScriptedStream(chunks: ["220 go ahead\r\nEXTRA"]))
        XCTAssertEqual(try reader.readLine(maxLength: 100), bytes("220 go ahead"))
        XCTAssertEqual(reader.bufferedCount, 5)
        XCTAssertEqual(reader.withBufferedBytes { Array($0) }, bytes("EXTRA"), "looking consumes nothing")
        XCTAssertEqual(reader.takeBuffered(), bytes("EXTRA"))
        XCTAssertEqual(reader.bufferedCount, 0)
    }
}
