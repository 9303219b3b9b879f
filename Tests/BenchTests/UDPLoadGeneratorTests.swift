import Bench
import Glibc
import SocketCore
import Synchronization
import TestSupport
import XCTest

/// The load generator's datagram mode against servers of the test's own
/// that drop, damage or repeat replies: each is counted, and nothing else.
final class UDPLoadGeneratorTests: XCTestCase {
    func testAnEchoServerLosesNothing() throws {
        let counts = try withFaultyServer(.none) { address in
            try UDPLoadGenerator(
                address: address, sockets: 2, size: 100, depth: 8, warmup: .zero, duration: .seconds(10),
                requestLimit: 2000
            ).run()
        }
        XCTAssertEqual(counts.report.answered, 2000)
        XCTAssertEqual(counts.report.lost, 0)
        XCTAssertEqual(counts.report.stray, 0)
        XCTAssertEqual(counts.report.corrupted, 0)
        XCTAssertGreaterThan(counts.report.p99Ns, 0)
    }

    func testEveryTenthDroppedIsCountedLost() throws {
        let depth = 4
        let counts = try withFaultyServer(.dropEveryTenth) { address in
            try UDPLoadGenerator(
                address: address, size: 64, depth: depth, timeout: .milliseconds(20), warmup: .zero,
                duration: .seconds(10), requestLimit: 500
            ).run()
        }
        let report = counts.report
        XCTAssertEqual(report.answered, 500)
        XCTAssertEqual(report.stray, 0)
        XCTAssertEqual(report.corrupted, 0)
        // Every drop is a loss, but for those still waiting out their
        // timeout when the window closed (at most one per slot).
        XCTAssertLessThanOrEqual(report.lost, counts.faults)
        XCTAssertGreaterThanOrEqual(report.lost + UInt64(depth), counts.faults)
        XCTAssertGreaterThanOrEqual(counts.faults, 500 / 9 - 1)
    }

    func testDamagedRepliesAreCountedCorruptedAndRepeatsStray() throws {
        for fault in [Fault.damageEveryFifth, .repeatEveryFifth] {
            let counts = try withFaultyServer(fault) { address in
                try UDPLoadGenerator(
                    address: address, size: 64, depth: 1, timeout: .milliseconds(20), warmup: .zero,
                    duration: .seconds(10), requestLimit: 200
                ).run()
            }
            let report = counts.report
            // One in flight: every fault before the last reply has been seen.
            if fault == .damageEveryFifth {
                XCTAssertEqual(report.corrupted, counts.faults)
                XCTAssertEqual(report.stray, 0)
                XCTAssertEqual(report.answered + report.corrupted, counts.served)
            } else {
                XCTAssertEqual(report.corrupted, 0)
                XCTAssertLessThanOrEqual(report.stray, counts.faults)
                XCTAssertGreaterThanOrEqual(report.stray + 1, counts.faults)
                XCTAssertEqual(report.answered, 200)
            }
            XCTAssertEqual(report.lost, 0, "\(fault)")
        }
    }

    /// A server that answers each batch with one sendmmsg, runs of replies
    /// segmented, and a batching client (UDP_GRO): the runs come as
    /// buffers of several replies, each reply in them checked as any other.
    func testABatchingClientCutsCoalescedRepliesAndChecksEach() throws {
        let clean = try withFaultyServer(.none, batched: true) { address in
            try UDPLoadGenerator(
                address: address, size: 64, depth: 32, warmup: .zero, duration: .seconds(10), requestLimit: 5000,
                batched: true
            ).run()
        }
        XCTAssertEqual(clean.report.answered, 5000)
        XCTAssertEqual(clean.report.lost + clean.report.stray + clean.report.corrupted, 0)
        XCTAssertGreaterThan(clean.report.datagramsPerReceive, 2, "replies came one a call: not coalesced")
        for fault in [Fault.dropEveryTenth, .damageEveryFifth, .repeatEveryFifth] {
            let counts = try withFaultyServer(fault, batched: true) { address in
                try UDPLoadGenerator(
                    address: address, size: 64, depth: 8,
                    timeout: fault == .dropEveryTenth ? .milliseconds(20) : .milliseconds(200), warmup: .zero,
                    duration: .seconds(10), requestLimit: 1000, batched: true
                ).run()
            }
            let report = counts.report
            XCTAssertEqual(report.answered, 1000, "\(fault)")
            XCTAssertGreaterThan(report.datagramsPerReceive, 1, "\(fault): not coalesced")
            // Every fault but those still in flight when the window closed
            // (at most one per slot) has been seen, as what it is.
            let seen: UInt64
            switch fault {
            case .dropEveryTenth: seen = report.lost
            case .damageEveryFifth: seen = report.corrupted
            default: seen = report.stray
            }
            XCTAssertLessThanOrEqual(seen, counts.faults, "\(fault)")
            XCTAssertGreaterThanOrEqual(seen + 8, counts.faults, "\(fault)")
            XCTAssertGreaterThan(seen, 0, "\(fault)")
            XCTAssertEqual(report.lost + report.corrupted + report.stray, seen, "\(fault): counted as something else")
        }
    }

    /// The same client against a server that answers one datagram a call:
    /// nothing to coalesce, every receive one reply.
    func testABatchingClientAgainstAPlainServer() throws {
        let counts = try withFaultyServer(.none) { address in
            try UDPLoadGenerator(
                address: address, size: 100, depth: 8, warmup: .zero, duration: .seconds(10), requestLimit: 2000,
                batched: true
            ).run()
        }
        XCTAssertEqual(counts.report.answered, 2000)
        XCTAssertEqual(counts.report.lost + counts.report.stray + counts.report.corrupted, 0)
        XCTAssertEqual(counts.report.datagramsPerReceive, 1)
    }

    func testABadConfigurationIsRefused() {
        let generator = UDPLoadGenerator(
            address: .loopbackIPv4(port: 9), size: 8, depth: 1, warmup: .zero, duration: .seconds(1))
        XCTAssertThrowsError(try generator.run()) { error in
            XCTAssertTrue("\(error)".contains("EINVAL"), "\(error)")
        }
    }

    // MARK: Helpers

    enum Fault: Sendable { case none, dropEveryTenth, damageEveryFifth, repeatEveryFifth }

    struct Counts {
        var report: UDPLoadReport
        var served: UInt64
        var faults: UInt64
    }

    /// An echo server on a thread of this test that commits `fault`; runs
    /// `body` against it, then stops it. `batched`: it receives with
    /// recvmmsg and answers each batch with one DatagramBatch send, which
    /// sends runs of replies to one recipient as one segmented message.
    private func withFaultyServer(
        _ fault: Fault, batched: Bool = false, _ body: (SocketAddress) throws -> UDPLoadReport
    ) throws -> Counts {
        let socket = try Socket(family: .ipv4, type: .datagram)
        try socket.bind(to: .loopbackIPv4(port: 0))
        let served = Atomic<UInt64>(0)
        let faults = Atomic<UInt64>(0)
        let thread = try PosixThread.start {
            var count: UInt64 = 0
            /// The copies of the reply to the datagram `count`, committing the fault.
            func replies(to datagram: UnsafeRawBufferPointer) -> [[UInt8]] {
                count += 1
                var reply = Array(datagram)
                var copies = 1
                let faulty = fault == .dropEveryTenth ? count % 10 == 0 : count % 5 == 0
                if fault != .none && faulty {
                    faults.add(1, ordering: .relaxed)
                    switch fault {
                    case .dropEveryTenth: copies = 0
                    case .damageEveryFifth: reply[reply.count - 1] ^= 0xFF
                    case .repeatEveryFifth: copies = 2
                    case .none: break
                    }
                }
                if copies > 0 { served.add(1, ordering: .relaxed) }
                return Array(repeating: reply, count: copies)
            }
            if batched {
                let batch = DatagramBatch()
                while (try? socket.waitUntilReadable(timeout: .seconds(30))) == true {
                    guard let received = try? batch.receive(on: socket), received > 0 else { return }
                    for index in 0..<received {
                        for reply in replies(to: batch.datagram(index)) {
                            if batch.queuedCount == batch.capacity { _ = batch.send(on: socket) }
                            _ = reply.withUnsafeBytes { batch.queueReply($0, toSenderOf: index) }
                        }
                    }
                    _ = batch.send(on: socket)
                }
                return
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                guard case .processed(let (length, sender))? = try? socket.receiveFrom(into: &buffer),
                    let sender
                else { return }
                for reply in buffer.withUnsafeBytes({ replies(to: UnsafeRawBufferPointer(rebasing: $0[..<length])) }) {
                    _ = try? socket.send(reply, to: sender)
                }
            }
        }
        defer {
            try? socket.shutdown(.read)
            thread.join()
            try? socket.close()
        }
        let report = try body(try socket.localAddress)
        // The replies to what was still in flight at the window's end have
        // been sent or dropped by now; the counts are final enough to compare.
        Pause.sleep(for: .milliseconds(50))
        return Counts(
            report: report, served: served.load(ordering: .relaxed), faults: faults.load(ordering: .relaxed))
    }
}
