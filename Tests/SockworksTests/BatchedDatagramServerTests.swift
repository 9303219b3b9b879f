import Glibc
import Servers
import SocketCore
import Synchronization
import TestSupport
import XCTest

/// The batched datagram server under the echo handler and handlers of the
/// test's own, in this process on loopback sockets: replies correct and to
/// the right sender at 1 and 64 in flight, workers, delayed replies, stop.
final class BatchedDatagramServerTests: XCTestCase {
    func testOneInFlightFromSeveralSenders() throws {
        try withServer(EchoHandler()) { address in
            let clients = try (0..<3).map { _ in try client(for: address) }
            defer { for client in clients { try? client.close() } }
            for round in 0..<30 {
                let client = clients[round % 3]
                let message = Array("datagram \(round)".utf8)
                _ = try client.send(message, to: address)
                let reply = try XCTUnwrap(try receive(on: client), "no reply to \(round)")
                XCTAssertEqual(reply.bytes, message)
                XCTAssertEqual(reply.sender, address)
            }
        }
    }

    func testSixtyFourInFlightPerSenderEachReplyToItsSender() throws {
        try withServer(EchoHandler()) { address in
            let clients = try (0..<2).map { _ in try client(for: address) }
            defer { for client in clients { try? client.close() } }
            for (number, client) in clients.enumerated() {
                for sequence in 0..<64 { _ = try client.send(tagged(number, sequence), to: address) }
            }
            for (number, client) in clients.enumerated() {
                var replies: Set<[UInt8]> = []
                while replies.count < 64, let reply = try receive(on: client) { replies.insert(reply.bytes) }
                XCTAssertEqual(replies, Set((0..<64).map { tagged(number, $0) }), "client \(number)")
            }
        }
    }

    func testEmptyAndLargestDatagramsComeBackWhole() throws {
        try withServer(EchoHandler()) { address in
            let client = try client(for: address)
            defer { try? client.close() }
            try client.setOption(.sendBufferSize, to: 1 << 20)
            for message in [[], [UInt8](repeating: 0x41, count: 65507)] as [[UInt8]] {
                _ = try client.send(message, to: address)
                XCTAssertEqual(try receive(on: client)?.bytes, message)
            }
        }
    }

    func testDelayedRepliesComeAfterTheirDelayAndInDueOrder() throws {
        try withServer(DelayingHandler()) { address in
            let client = try client(for: address)
            defer { try? client.close() }
            let start = MonotonicInstant.now
            _ = try client.send(Array("300".utf8), to: address)
            _ = try client.send(Array("100".utf8), to: address)
            _ = try client.send(Array("0".utf8), to: address)
            var order: [String] = []
            while order.count < 3, let reply = try receive(on: client) {
                let text = String(decoding: reply.bytes, as: UTF8.self)
                order.append(text)
                XCTAssertGreaterThanOrEqual(
                    MonotonicInstant.now - start, .milliseconds(Int(text)!), "\(text) came before its delay")
            }
            XCTAssertEqual(order, ["0", "100", "300"])
        }
    }

    func testHandlerWithNoReplySendsNothingAndTheNextIsServed() throws {
        try withServer(DroppingHandler(every: 2)) { address in
            let client = try client(for: address)
            defer { try? client.close() }
            for sequence in 1...4 { _ = try client.send([UInt8(sequence)], to: address) }
            XCTAssertEqual(try receive(on: client)?.bytes, [1])
            XCTAssertEqual(try receive(on: client)?.bytes, [3])
            XCTAssertNil(try receive(on: client, within: .milliseconds(200)), "2 and 4 are dropped")
        }
    }

    func testWorkersShareThePortAndAllServe() throws {
        let handler = ThreadRecordingHandler()
        let socket = try Socket(family: .ipv4, type: .datagram)
        try socket.setOption(.reusePort, to: true)
        try socket.bind(to: .loopbackIPv4(port: 0))
        let address = try socket.localAddress
        let control = ServerControl()
        let thread = try PosixThread.start {
            do {
                try DatagramService.run(handler: handler, socket: socket, control: control, batched: true, workers: 2)
            } catch {
                XCTFail("\(error)")
            }
        }
        defer {
            control.stop()
            thread.join()
            try? socket.close()
        }
        // SO_REUSEPORT picks a socket by the sender's address: 32 senders
        // all landing on one of two is a chance of 2 in 2^32.
        let clients = try (0..<32).map { _ in try client(for: address) }
        defer { for client in clients { try? client.close() } }
        for (number, client) in clients.enumerated() {
            _ = try client.send(tagged(number, 0), to: address)
            XCTAssertEqual(try receive(on: client)?.bytes, tagged(number, 0))
        }
        XCTAssertEqual(handler.threads, 2, "both workers served")
    }

    func testStopEndsTheServerAndLeavesNoDescriptor() throws {
        let before = try openDescriptorCount()
        for batched in [true, false] {
            let socket = try Socket(family: .ipv4, type: .datagram)
            try socket.setOption(.reusePort, to: true)
            try socket.bind(to: .loopbackIPv4(port: 0))
            let control = ServerControl()
            let returned = Atomic(false)
            let thread = try PosixThread.start {
                try? DatagramService.run(
                    handler: EchoHandler(), socket: socket, control: control, batched: batched, workers: 3)
                returned.store(true, ordering: .sequentiallyConsistent)
            }
            Pause.sleep(for: .milliseconds(50))
            XCTAssertFalse(returned.load(ordering: .sequentiallyConsistent))
            control.stop()
            thread.join()
            XCTAssertTrue(returned.load(ordering: .sequentiallyConsistent))
            try socket.close()
        }
        XCTAssertEqual(try openDescriptorCount(), before)
    }

    // MARK: Helpers

    private func withServer<Handler: DatagramHandler>(
        _ handler: Handler, _ body: (SocketAddress) throws -> Void
    ) throws {
        let socket = try Socket(family: .ipv4, type: .datagram)
        try socket.bind(to: .loopbackIPv4(port: 0))
        let control = ServerControl()
        let thread = try PosixThread.start {
            do {
                try BatchedDatagramServer(handler: handler, control: control).run(socket: socket)
            } catch {
                XCTFail("\(error)")
            }
        }
        defer {
            control.stop()
            thread.join()
            try? socket.close()
        }
        try body(try socket.localAddress)
    }

    private func client(for address: SocketAddress) throws -> Socket {
        let socket = try Socket(family: address.family, type: .datagram)
        try socket.bind(to: .loopbackIPv4(port: 0))
        return socket
    }

    /// The next datagram, or nil after `within`.
    private func receive(on socket: Socket, within wait: Duration = .seconds(5)) throws -> (
        bytes: [UInt8], sender: SocketAddress?
    )? {
        guard case .ready = try socket.waitUntilReadable(until: .now + wait) else { return nil }
        return try XCTUnwrap(try socket.receiveFrom(maxCount: 65536).value, "readable, yet nothing to receive")
    }

    private func tagged(_ client: Int, _ sequence: Int) -> [UInt8] { Array("client \(client) seq \(sequence)".utf8) }
}

/// Echoes each datagram after as many milliseconds as it says.
struct DelayingHandler: DatagramHandler {
    func received(_ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, output: inout [UInt8])
        -> DatagramReply
    {
        output.append(contentsOf: datagram)
        return .after(.milliseconds(Int(String(decoding: datagram, as: UTF8.self)) ?? 0))
    }
}

/// Echoes, but answers no datagram whose count (from 1) is a multiple of
/// `every`: a server that loses some.
final class DroppingHandler: DatagramHandler {
    let every: Int
    private let seen = Atomic(0)

    init(every: Int) { self.every = every }

    func received(_ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, output: inout [UInt8])
        -> DatagramReply
    {
        let count = seen.add(1, ordering: .relaxed).newValue
        guard count % every != 0 else { return .none }
        output.append(contentsOf: datagram)
        return .now
    }
}

/// Echoes, and counts the threads it was called on.
final class ThreadRecordingHandler: DatagramHandler {
    private let seen = Mutex<Set<UInt>>([])

    var threads: Int { seen.withLock { $0.count } }

    func received(_ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, output: inout [UInt8])
        -> DatagramReply
    {
        _ = seen.withLock { $0.insert(UInt(pthread_self())) }
        output.append(contentsOf: datagram)
        return .now
    }
}
