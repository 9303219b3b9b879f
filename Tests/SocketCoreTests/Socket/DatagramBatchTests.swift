import Glibc
import SocketCore
import TestSupport
import XCTest

/// recvmmsg/sendmmsg through `DatagramBatch`, on real loopback sockets.
final class DatagramBatchTests: XCTestCase {
    func testReceivesSixtyFourDatagramsInOneCallWithTheirSenders() throws {
        let server = try boundUDP(.ipv4, .loopbackIPv4(port: 0))
        let clients = try (0..<4).map { _ in try boundUDP(.ipv4, .loopbackIPv4(port: 0)) }
        defer { for socket in [server] + clients { try? socket.close() } }
        let serverAddress = try server.localAddress
        // 65 datagrams: the last one waits for the next call.
        for sequence in 0..<65 {
            XCTAssertEqual(try clients[sequence % 4].send(payload(sequence), to: serverAddress), .processed(3))
        }
        let batch = DatagramBatch()
        XCTAssertEqual(try batch.receive(on: server), 64)
        for index in 0..<64 {
            XCTAssertEqual(Array(batch.datagram(index)), payload(index))
            XCTAssertEqual(batch.sender(index), try clients[index % 4].localAddress)
            XCTAssertFalse(batch.isTruncated(index))
        }
        XCTAssertEqual(try batch.receive(on: server), 1)
        XCTAssertEqual(Array(batch.datagram(0)), payload(64))
        XCTAssertEqual(try batch.receive(on: server), 0, "an empty queue does not wait")
    }

    func testRepliesGoToEachSenderOverIPv6() throws {
        let server = try boundUDP(.ipv6, .loopbackIPv6(port: 0))
        let clients = try (0..<3).map { _ in try boundUDP(.ipv6, .loopbackIPv6(port: 0)) }
        defer { for socket in [server] + clients { try? socket.close() } }
        for (index, client) in clients.enumerated() { _ = try client.send(payload(index), to: try server.localAddress) }
        let batch = DatagramBatch(capacity: 8, datagramSize: 1500)
        XCTAssertEqual(try batch.receive(on: server), 3)
        for index in 0..<3 {
            let reply = Array(batch.datagram(index).reversed())
            XCTAssertTrue(reply.withUnsafeBytes { batch.queueReply($0, toSenderOf: index) })
        }
        let outcome = batch.send(on: server)
        XCTAssertEqual(outcome.sent, 3)
        XCTAssertTrue(outcome.failures.isEmpty)
        XCTAssertEqual(batch.queuedCount, 0)
        for (index, client) in clients.enumerated() {
            let reply = try client.receiveFrom(maxCount: 100).get()
            XCTAssertEqual(reply.bytes, payload(index).reversed())
            XCTAssertEqual(reply.sender, try server.localAddress)
        }
    }

    /// Runs of one size to one recipient go segmented (UDP_SEGMENT) and
    /// arrive as the datagrams they were, in order, the last of a run
    /// shorter; a run over 65,000 bytes is split; other recipients between.
    func testRunsToOneRecipientArriveAsTheirDatagrams() throws {
        let server = try boundUDP(.ipv4, .loopbackIPv4(port: 0))
        let clients = try (0..<2).map { _ in try boundUDP(.ipv4, .loopbackIPv4(port: 0)) }
        defer { for socket in [server] + clients { try? socket.close() } }
        let batch = DatagramBatch(capacity: 64, datagramSize: 2048)
        var expected: [[[UInt8]]] = [[], []]
        func queue(_ bytes: [UInt8], to client: Int) throws {
            XCTAssertTrue(try bytes.withUnsafeBytes { try batch.queue($0, to: try clients[client].localAddress) })
            expected[client].append(bytes)
        }
        for index in 0..<20 { try queue(pattern(count: 100, seed: index), to: 0) }
        try queue(pattern(count: 40, seed: 99), to: 0)
        for index in 0..<3 { try queue(pattern(count: 100, seed: 50 + index), to: 1) }
        // 60 x 1400 bytes: more than one segmented message can hold.
        for index in 0..<40 where batch.queuedCount < 64 { try queue(pattern(count: 1400, seed: 200 + index), to: 0) }
        let outcome = batch.send(on: server)
        XCTAssertTrue(outcome.failures.isEmpty, "\(outcome.failures.map(\.error))")
        XCTAssertEqual(outcome.sent, 64)
        XCTAssertTrue(batch.segments, "loopback takes segmented runs")
        for (client, datagrams) in expected.enumerated() {
            for datagram in datagrams {
                let reply = try clients[client].receiveFrom(maxCount: 4096).get()
                XCTAssertEqual(reply.bytes, datagram)
            }
        }
    }

    func testARefusedRecipientInTheMiddleCostsNoOtherReply() throws {
        let server = try boundUDP(.ipv4, .loopbackIPv4(port: 0))
        let clients = try (0..<4).map { _ in try boundUDP(.ipv4, .loopbackIPv4(port: 0)) }
        defer { for socket in [server] + clients { try? socket.close() } }
        let batch = DatagramBatch(capacity: 6, datagramSize: 64)
        // Port 0 is no destination: udp_sendmsg refuses it with EINVAL, and
        // sendmmsg stops there with the first two sent.
        let recipients: [SocketAddress] = [
            try clients[0].localAddress, try clients[1].localAddress, .loopbackIPv4(port: 0),
            try clients[2].localAddress, .loopbackIPv4(port: 0), try clients[3].localAddress,
        ]
        for (index, recipient) in recipients.enumerated() {
            XCTAssertTrue(try payload(index).withUnsafeBytes { try batch.queue($0, to: recipient) })
        }
        let outcome = batch.send(on: server)
        XCTAssertEqual(outcome.sent, 4)
        XCTAssertEqual(outcome.failures.map(\.index), [2, 4])
        XCTAssertEqual(outcome.failures.map(\.error.code), [EINVAL, EINVAL])
        for (client, index) in zip(clients, [0, 1, 3, 5]) {
            XCTAssertEqual(try client.receiveFrom(maxCount: 100).get().bytes, payload(index))
        }
    }

    func testAFullBatchRefusesOneMoreReplyAndALongDatagramIsMarkedCut() throws {
        let server = try boundUDP(.ipv4, .loopbackIPv4(port: 0))
        let client = try boundUDP(.ipv4, .loopbackIPv4(port: 0))
        defer { for socket in [server, client] { try? socket.close() } }
        _ = try client.send([UInt8](repeating: 7, count: 100), to: try server.localAddress)
        let batch = DatagramBatch(capacity: 1, datagramSize: 10)
        XCTAssertEqual(try batch.receive(on: server), 1)
        XCTAssertTrue(batch.isTruncated(0))
        XCTAssertEqual(batch.datagram(0).count, 10)
        let long = [UInt8](repeating: 1, count: 11)
        XCTAssertFalse(long.withUnsafeBytes { batch.queueReply($0, toSenderOf: 0) }, "longer than the room")
        XCTAssertTrue([UInt8(1)].withUnsafeBytes { batch.queueReply($0, toSenderOf: 0) })
        XCTAssertFalse([UInt8(2)].withUnsafeBytes { batch.queueReply($0, toSenderOf: 0) }, "the batch is full")
        XCTAssertEqual(batch.send(on: server).sent, 1)
        XCTAssertEqual(try client.receiveFrom(maxCount: 100).get().bytes, [1])
    }

    func testUnixDatagramToAClosedPeerIsRefusedAndTheOthersArrive() throws {
        let directory = try TemporaryFolder(prefix: "batch")
        let server = try Socket(family: .unix, type: .datagram)
        let alive = try Socket(family: .unix, type: .datagram)
        let gone = try Socket(family: .unix, type: .datagram)
        try server.bind(to: .unix(path: directory.file("server")))
        try alive.bind(to: .unix(path: directory.file("alive")))
        try gone.bind(to: .unix(path: directory.file("gone")))
        defer { for socket in [server, alive] { try? socket.close() } }
        _ = try alive.send([1], to: try server.localAddress)
        _ = try gone.send([2], to: try server.localAddress)
        _ = try alive.send([3], to: try server.localAddress)
        let batch = DatagramBatch(capacity: 4, datagramSize: 16)
        XCTAssertEqual(try batch.receive(on: server), 3)
        try gone.close()
        for index in 0..<3 {
            XCTAssertTrue(batch.datagram(index).withUnsafeBytes { batch.queueReply($0, toSenderOf: index) })
        }
        let outcome = batch.send(on: server)
        XCTAssertEqual(outcome.sent, 2)
        XCTAssertEqual(outcome.failures.map(\.index), [1])
        XCTAssertEqual(try alive.receive(maxCount: 16).get(), [1])
        XCTAssertEqual(try alive.receive(maxCount: 16).get(), [3])
    }

    private func boundUDP(_ family: SocketFamily, _ address: SocketAddress) throws -> Socket {
        let socket = try Socket(family: family, type: .datagram)
        try socket.bind(to: address)
        return socket
    }

    private func payload(_ sequence: Int) -> [UInt8] { [UInt8(sequence), 0xAB, UInt8(sequence % 7)] }
}
