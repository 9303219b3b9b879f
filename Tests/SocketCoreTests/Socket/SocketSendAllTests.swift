import Glibc
import SocketCore
import TestSupport
import XCTest

/// sendAll of several MiB against a slow reader: the kernel takes the data
/// in pieces, and every byte must arrive once, in order.
final class SocketSendAllTests: XCTestCase {
    private let size = 8 << 20

    func testNonBlockingSenderWithSlowReader() throws {
        let (sender, receiver) = try Socket.pair()
        defer { try? receiver.close() }
        try sender.setOption(.sendBufferSize, to: 16 << 10)
        try sender.setNonBlocking(true)
        try slowlyReceive(from: receiver, sentBy: sender)
    }

    func testBlockingTCPSenderWithSlowReader() throws {
        let (listener, address) = try loopbackListener()
        defer { try? listener.close() }
        let sender = try Socket(family: .ipv4, type: .stream)
        try sender.setOption(.sendBufferSize, to: 16 << 10)
        try sender.connect(to: address)
        let receiver = try listener.accept().get()
        defer { try? receiver.close() }
        try receiver.setOption(.receiveBufferSize, to: 16 << 10)
        try slowlyReceive(from: receiver, sentBy: sender)
    }

    /// A partial write on a blocking socket whose send timeout expires.
    func testSendTimeoutStopsSendAll() throws {
        let (sender, receiver) = try Socket.pair()
        defer {
            try? sender.close()
            try? receiver.close()
        }
        try sender.setOption(.sendTimeout, to: .milliseconds(50))
        XCTAssertThrowsError(try sender.sendAll(pattern(count: size))) {
            let error = $0 as? SocketError
            XCTAssertEqual(error?.isTimeout, true)
            XCTAssertEqual(error?.description, "send: EAGAIN (Resource temporarily unavailable)")
        }
    }

    private func slowlyReceive(from receiver: Socket, sentBy sender: Socket) throws {
        let message = pattern(count: size)
        let writer = BackgroundThread {
            try sender.sendAll(message)
            try sender.close()
        }
        var received: [UInt8] = []
        received.reserveCapacity(size)
        var reads = 0
        while true {
            let bytes = try receiver.receive(maxCount: 32 << 10).get()
            if bytes.isEmpty { break }
            received += bytes
            reads += 1
            if reads % 16 == 0 { usleep(1000) }  // let the sender's buffer fill
        }
        try writer.value()
        XCTAssertEqual(received.count, message.count)
        XCTAssertTrue(received == message, "bytes lost, repeated or reordered")
    }
}
