import Glibc
import SocketCore
import Streams
import XCTest

/// `Socket` as a `ByteStream`, over real loopback connections.
final class SocketStreamTests: XCTestCase {
    /// A line conversation over TCP: the client's buffered command goes out
    /// on flush, the server reads it with a `BufferedReader` and answers,
    /// and a half-close reads as the end of the stream.
    func testLineConversationOverTCP() throws {
        let (client, server) = try connectedTCPPair()
        defer {
            try? client.close()
            try? server.close()
        }
        let deadline = MonotonicInstant.now + .seconds(10)

        let clientWriter = BufferedWriter(client)
        try clientWriter.write("HELO ", deadline: deadline)
        try clientWriter.write("test\r\n", deadline: deadline)
        try clientWriter.flush(deadline: deadline)
        let serverReader = BufferedReader(server)
        XCTAssertEqual(try serverReader.readLine(maxLength: 512, deadline: deadline), bytes("HELO test"))

        try server.write(bytes("250-first\r\n250 second\r\n"), deadline: deadline)
        try server.shutdown(.write, deadline: deadline)
        let clientReader = BufferedReader(client)
        XCTAssertEqual(try clientReader.readLine(maxLength: 512, deadline: deadline), bytes("250-first"))
        XCTAssertEqual(try clientReader.readLine(maxLength: 512), bytes("250 second"), "no deadline: it waits")
        XCTAssertNil(try clientReader.readLine(maxLength: 512, deadline: deadline))
    }

    /// A peer that sends nothing: the read gives up at its deadline, not
    /// much later, and the socket is still usable afterwards.
    func testReadDeadlinePassesWhenThePeerIsSilent() throws {
        let (near, far) = try Socket.pair()
        defer {
            try? near.close()
            try? far.close()
        }
        let reader = BufferedReader(near)
        let started = MonotonicInstant.now
        XCTAssertThrowsError(try reader.readLine(maxLength: 100, deadline: started + .milliseconds(200))) {
            XCTAssertEqual($0 as? StreamError, .timedOut)
        }
        let elapsed = MonotonicInstant.now - started
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(200))
        XCTAssertLessThan(elapsed, .milliseconds(1500))

        try far.write(bytes("late\r\n"), deadline: nil)
        XCTAssertEqual(try reader.readLine(maxLength: 100, deadline: .now + .seconds(10)), bytes("late"))
    }

    /// A peer that never reads: the write gives up at its deadline once the
    /// buffers are full, instead of blocking in send(2).
    func testWriteDeadlinePassesWhenThePeerDoesNotRead() throws {
        let (near, far) = try Socket.pair()
        defer {
            try? near.close()
            try? far.close()
        }
        let block = [UInt8](repeating: 0x5A, count: 16 << 20)
        let started = MonotonicInstant.now
        XCTAssertThrowsError(try near.write(block, deadline: started + .milliseconds(200))) {
            XCTAssertEqual($0 as? StreamError, .timedOut)
        }
        let elapsed = MonotonicInstant.now - started
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(200))
        XCTAssertLessThan(elapsed, .milliseconds(1500))
    }

    /// A non-blocking socket (as an event loop or a TLS stream may hand
    /// over) waits in poll with or without a deadline.
    func testNonBlockingSocketWaitsForBytes() throws {
        let (near, far) = try Socket.pair()
        defer {
            try? near.close()
            try? far.close()
        }
        try near.setNonBlocking(true)
        let writer = try PosixThread.start {
            usleep(50_000)
            try? far.write(bytes("one\r\ntwo\r\n"), deadline: nil)
        }
        let reader = BufferedReader(near)
        XCTAssertEqual(try reader.readLine(maxLength: 10), bytes("one"))
        XCTAssertEqual(try reader.readLine(maxLength: 10, deadline: .now + .seconds(10)), bytes("two"))
        writer.join()
        XCTAssertThrowsError(try reader.readLine(maxLength: 10, deadline: .now + .milliseconds(20))) {
            XCTAssertEqual($0 as? StreamError, .timedOut)
        }
    }

    /// A megabyte each way through one connection, with the reader's
    /// blocks and the writer's write-through.
    func testLargeTransferOverTCP() throws {
        let (client, server) = try connectedTCPPair()
        defer {
            try? client.close()
            try? server.close()
        }
        let block = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let sender = try PosixThread.start {
            let writer = BufferedWriter(server)
            try? writer.write(bytes("length 1048576\r\n"), deadline: .now + .seconds(20))
            try? writer.write(block, deadline: .now + .seconds(20))
            try? server.shutdown(.write, deadline: nil)
        }
        let reader = BufferedReader(client)
        let deadline = MonotonicInstant.now + .seconds(20)
        XCTAssertEqual(try reader.readLine(maxLength: 100, deadline: deadline), bytes("length 1048576"))
        XCTAssertEqual(try reader.read(exactly: block.count, deadline: deadline), block)
        XCTAssertNil(try reader.readLine(maxLength: 100, deadline: deadline))
        sender.join()
    }

    func testErrorsCarryTheSocketCall() throws {
        let (near, far) = try Socket.pair()
        defer { try? near.close() }
        try far.close()
        XCTAssertThrowsError(try near.write(bytes("x"), deadline: nil)) { error in
            XCTAssertEqual(error as? StreamError, .system(SocketError(code: EPIPE, call: "send")))
            XCTAssertEqual("\(error)", "send: EPIPE (Broken pipe)")
        }
    }
}

/// A TCP connection over loopback: the client's socket and the server's.
func connectedTCPPair() throws -> (Socket, Socket) {
    let listener = try Socket(family: .ipv4, type: .stream)
    defer { try? listener.close() }
    try listener.bind(to: .loopbackIPv4(port: 0))
    try listener.listen(backlog: 1)
    let client = try Socket(family: .ipv4, type: .stream)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    guard let server = try listener.accept().value else { throw XCTSkip("accept would block") }
    return (client, server)
}
