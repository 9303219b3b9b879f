import CEpollEcho
import Glibc
import SocketCore
import TestSupport
import XCTest

/// The `epoll-c` echo server in C, driven over real loopback connections.
final class EpollEchoServerTests: XCTestCase {
    private var descriptorsBefore = 0

    override func setUpWithError() throws { descriptorsBefore = try openDescriptorCount() }

    override func tearDownWithError() throws {
        // Sockets closed by other threads settle quickly; wait a little.
        XCTAssertTrue(
            blockUntil(timeout: .seconds(5)) { (try? openDescriptorCount()) == descriptorsBefore },
            "descriptors leaked: \(descriptorsBefore) before, \((try? openDescriptorCount()) ?? -1) after")
    }

    /// 200 connections open at once, served by eight client threads doing
    /// five rounds each of one message out on every connection, then every
    /// echo back.
    func testEchoesTwoHundredConcurrentClients() throws {
        let server = try RunningEchoServer()
        defer { server.finish() }
        let clients = try (0..<200).map { _ in try server.client() }
        XCTAssertTrue(blockUntil { server.counters.open == 200 }, "open: \(server.counters.open)")
        let threads = (0..<8).map { group in
            BackgroundThread<Void> {
                let mine = stride(from: group, to: clients.count, by: 8).map { ($0, clients[$0]) }
                for round in 0..<5 {
                    for (index, client) in mine {
                        try client.sendAll(pattern(count: 1000 + index, seed: index + round))
                    }
                    for (index, client) in mine {
                        let echo = try receiveExactly(client, 1000 + index)
                        guard echo == pattern(count: 1000 + index, seed: index + round) else {
                            throw TestFailure("connection \(index), round \(round): the echo differs")
                        }
                    }
                }
            }
        }
        for thread in threads { try thread.value(timeout: .seconds(30)) }
        for client in clients { try client.close() }
        XCTAssertTrue(blockUntil { server.counters.open == 0 }, "open: \(server.counters.open)")
        let counters = server.counters
        XCTAssertEqual(counters.accepted, 200)
        XCTAssertEqual(counters.shed, 0)
        XCTAssertEqual(counters.accept_errors, 0)
        server.stop()
        XCTAssertEqual(server.waitForExit(), 0)
    }

    /// A client that sends a lot and reads slowly, through a small receive
    /// buffer: the server's sends come back partial, it queues the rest, and
    /// stops reading meanwhile, so the sender stalls (the server does not
    /// buffer without bound; the kernel's buffers, up to tcp_rmem's maximum,
    /// are all that fills). Every byte comes back, in order.
    func testSlowReaderGetsEveryByteAndHoldsTheSenderBack() throws {
        let server = try RunningEchoServer()
        defer { server.finish() }
        let client = try server.client(receiveBuffer: 16384)
        try client.setOption(.sendBufferSize, to: 65536)
        try client.setNonBlocking(true)
        // The stream's byte k is k % 251: any chunk is a slice of `block`.
        let block = pattern(count: 65536 + 251)
        let cap = 512 << 20
        var sent = 0
        var stalledSince: ContinuousClock.Instant?
        while sent < cap {
            let result = try block.withUnsafeBytes {
                try client.send(UnsafeRawBufferPointer(rebasing: $0[(sent % 251)...].prefix(65536)))
            }
            if case .processed(let count) = result {
                sent += count
                stalledSince = nil
                continue
            }
            let now = ContinuousClock.now
            if let since = stalledSince, now - since > .milliseconds(300) { break }
            if stalledSince == nil { stalledSince = now }
            usleep(5000)
        }
        XCTAssertLessThan(sent, cap, "the sender never stalled: the server read everything")
        XCTAssertEqual(server.counters.open, 1)
        // Read it all back slowly, while another thread sends 1 MiB more.
        try client.setNonBlocking(false)
        let more = 1 << 20, total = sent + more, resumeAt = sent
        let sender = BackgroundThread<Void> {
            var offset = resumeAt
            while offset < total {
                let count = min(65536, total - offset)
                try block.withUnsafeBytes {
                    try client.sendAll(UnsafeRawBufferPointer(rebasing: $0[(offset % 251)...].prefix(count)))
                }
                offset += count
            }
        }
        var received = 0, reads = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received < total {
            let want = min(buffer.count, total - received)
            let got = try buffer.withUnsafeMutableBytes { raw in
                try client.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw.prefix(want))).value
            }
            guard let got, got > 0 else {
                XCTFail("receive ended after \(received) of \(total) bytes: \(String(describing: got))")
                break
            }
            let same = buffer.withUnsafeBytes { echo in
                block.withUnsafeBytes { memcmp(echo.baseAddress!, $0.baseAddress! + received % 251, got) == 0 }
            }
            guard same else {
                XCTFail("the echo differs from what was sent, within bytes \(received)..<\(received + got)")
                break
            }
            received += got
            reads += 1
            if reads % 64 == 0 { usleep(1000) }  // slow
        }
        try sender.value(timeout: .seconds(30))
        XCTAssertEqual(received, total)
        try client.close()
        XCTAssertTrue(blockUntil { server.counters.open == 0 })
    }

    /// Clients that reset their connections while the server still has
    /// echo queued for them (close with unread data sends RST): the server
    /// closes those connections, keeps no descriptor, and serves the next.
    func testResetsMidEchoAreSurvived() throws {
        let server = try RunningEchoServer()
        defer { server.finish() }
        let big = pattern(count: 4 << 20)
        for _ in 0..<20 {
            let client = try server.client(receiveBuffer: 4096)
            try client.setNonBlocking(true)
            var sent = 0
            for _ in 0..<200 where sent < big.count {  // bounded: about 1 s at most
                let result = try big[sent...].withUnsafeBytes { try client.send($0) }
                if case .processed(let count) = result { sent += count } else { usleep(5000) }
            }
            XCTAssertGreaterThan(sent, 0)
            try client.close()  // unread echo waiting: RST
        }
        XCTAssertTrue(blockUntil { server.counters.open == 0 }, "open: \(server.counters.open)")
        let after = try server.client()
        try after.sendAll(Array("still there\n".utf8))
        XCTAssertEqual(try receiveExactly(after, 12), Array("still there\n".utf8))
        try after.close()
        XCTAssertEqual(server.counters.accepted, 21)
        XCTAssertTrue(blockUntil { server.counters.open == 0 })
    }

    /// A stop ends accepting but lets the open connection finish; the run
    /// returns once it has.
    func testStopLetsOpenConnectionsFinish() throws {
        let server = try RunningEchoServer()
        defer { server.finish() }
        let client = try server.client()
        XCTAssertTrue(blockUntil { server.counters.open == 1 })
        server.stop()
        XCTAssertNil(server.waitForExit(timeout: .seconds(1)), "returned with a connection open")
        try client.sendAll(Array("after stop".utf8))
        XCTAssertEqual(try receiveExactly(client, 10), Array("after stop".utf8))
        // The listener is still open (it is ours to close), but not served.
        let late = try server.client()
        usleep(200_000)
        XCTAssertEqual(server.counters.accepted, 1)
        try client.close()
        XCTAssertEqual(server.waitForExit(), 0)
        XCTAssertEqual(server.counters.open, 0)
        try late.close()
    }

    /// A stop asked for before the run starts is not lost.
    func testStopBeforeAnyConnectionEndsTheRun() throws {
        let server = try RunningEchoServer()
        defer { server.finish() }
        server.stop()
        XCTAssertEqual(server.waitForExit(), 0)
    }

    /// After a stop, an abort closes the connections still open, idle or
    /// with echo queued, and the run returns.
    func testAbortClosesRemainingConnections() throws {
        let server = try RunningEchoServer()
        defer { server.finish() }
        let idle = try server.client()
        let stuck = try server.client(receiveBuffer: 4096)
        try stuck.setNonBlocking(true)
        let chunk = pattern(count: 65536)
        for _ in 0..<50 { _ = try stuck.send(chunk) }  // echo piles up unread
        XCTAssertTrue(blockUntil { server.counters.open == 2 })
        server.stop()
        XCTAssertNil(server.waitForExit(timeout: .seconds(1)))
        server.abort()
        XCTAssertEqual(server.waitForExit(), 0)
        XCTAssertEqual(server.counters.open, 0)
        XCTAssertEqual(try idle.receive(maxCount: 16).value, [], "the idle client sees end of file")
        try idle.close()
        try stuck.close()
    }

    /// An abort alone (no stop first) also ends the run.
    func testAbortAloneEndsTheRun() throws {
        let server = try RunningEchoServer()
        defer { server.finish() }
        let client = try server.client()
        XCTAssertTrue(blockUntil { server.counters.open == 1 })
        server.abort()
        XCTAssertEqual(server.waitForExit(), 0)
        try client.close()
    }

    /// A bad listener is refused with an errno, not a crash.
    func testRefusesABadListener() {
        var made: OpaquePointer?
        XCTAssertEqual(ee_server_new(-1, &made), -EINVAL)
        XCTAssertEqual(ee_server_new(100_000, &made), -EBADF)
        XCTAssertNil(made)
    }
}
