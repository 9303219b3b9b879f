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
    /// `body` against it, then stops it.
    private func withFaultyServer(_ fault: Fault, _ body: (SocketAddress) throws -> UDPLoadReport) throws -> Counts {
        let socket = try Socket(family: .ipv4, type: .datagram)
        try socket.bind(to: .loopbackIPv4(port: 0))
        let served = Atomic<UInt64>(0)
        let faults = Atomic<UInt64>(0)
        let thread = try PosixThread.start {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var count: UInt64 = 0
            while true {
                guard case .processed(let (length, sender))? = try? socket.receiveFrom(into: &buffer),
                    let sender
                else { return }
                count += 1
                var reply = Array(buffer[..<length])
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
                for _ in 0..<copies { _ = try? socket.send(reply, to: sender) }
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
