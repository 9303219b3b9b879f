import SocketCore
import Streams
import XCTest

/// A connection upgraded in place, as STARTTLS does: the line reader over
/// the socket hands over to a reader over a stream that wraps the socket.
/// The wrapper here only masks the bytes, a stand-in for TLS that passes
/// its caller's deadlines down to the socket as a TLS stream would.
final class StreamUpgradeTests: XCTestCase {
    func testUpgradeInPlaceAfterAReply() throws {
        let (client, server) = try connectedTCPPair()
        defer {
            try? client.close()
            try? server.close()
        }
        let deadline = MonotonicInstant.now + .seconds(10)
        let serverSide = try PosixThread.start {
            let reader = BufferedReader(server)
            guard (try? reader.readLine(maxLength: 100, deadline: deadline)) == bytes("STARTTLS") else { return }
            try? server.write(bytes("220 go ahead\r\n"), deadline: deadline)
            let masked = MaskedStream(server)
            let upgraded = BufferedReader(masked)
            guard let line = try? upgraded.readLine(maxLength: 100, deadline: deadline) else { return }
            try? masked.write(bytes("250 you said ") + line + bytes("\r\n"), deadline: deadline)
        }

        try client.write(bytes("STARTTLS\r\n"), deadline: deadline)
        let plain = BufferedReader(client)
        XCTAssertEqual(try plain.readLine(maxLength: 100, deadline: deadline), bytes("220 go ahead"))
        XCTAssertEqual(plain.bufferedCount, 0, "nothing may come between the reply and the handshake")

        let masked = MaskedStream(client)
        let writer = BufferedWriter(masked)
        try writer.write("EHLO again\r\n", deadline: deadline)
        try writer.flush(deadline: deadline)
        let reader = BufferedReader(masked)
        XCTAssertEqual(try reader.readLine(maxLength: 100, deadline: deadline), bytes("250 you said EHLO again"))
        serverSide.join()
    }

    /// The wrapper's reads time out at the caller's deadline, through the
    /// socket's.
    func testDeadlinesPassThroughAWrapper() throws {
        let (near, far) = try Socket.pair()
        defer {
            try? near.close()
            try? far.close()
        }
        let reader = BufferedReader(MaskedStream(near))
        let started = MonotonicInstant.now
        XCTAssertThrowsError(try reader.readLine(maxLength: 100, deadline: started + .milliseconds(100))) {
            XCTAssertEqual($0 as? StreamError, .timedOut)
        }
        XCTAssertLessThan(MonotonicInstant.now - started, .milliseconds(1500))
    }
}

/// Every byte XORed with 0x5A on its way in and out.
private final class MaskedStream: ByteStream {
    private let inner: any ByteStream

    init(_ inner: any ByteStream) {
        self.inner = inner
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) -> Int {
        let count = try inner.read(into: buffer, deadline: deadline)
        for index in 0..<count { buffer[index] ^= 0x5A }
        return count
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) {
        try inner.write(bytes.map { $0 ^ 0x5A }, deadline: deadline)
    }

    func shutdown(_ direction: StreamShutdown, deadline: MonotonicInstant?) throws(StreamError) {
        try inner.shutdown(direction, deadline: deadline)
    }

    func close(deadline: MonotonicInstant?) throws(StreamError) {
        try inner.close(deadline: deadline)
    }
}
