import CLoadGen
import Glibc
import SocketCore
import Synchronization
import XCTest

@testable import Bench

/// The load generator against echo servers that misbehave on purpose: it
/// must report their latency and their corruption, and connections never
/// served.
final class LoadGeneratorTests: XCTestCase {
    /// A thread-per-connection echo server of the test's own that waits
    /// `delay` before each echo and passes every byte through `transform`.
    final class OddServer: Sendable {
        let listener: Socket
        let port: UInt16

        init(delay: Duration, transform: @escaping @Sendable (inout [UInt8]) -> Void) throws {
            listener = try Socket(family: .ipv4, type: .stream)
            try listener.bind(to: .loopbackIPv4(port: 0))
            try listener.listen()
            guard case .ipv4(_, let port) = try listener.localAddress else { throw BenchError("no port") }
            self.port = port
            let listener = listener
            try PosixThread.startDetached {
                while let connection = try? listener.accept().value {
                    try? PosixThread.startDetached {
                        while let bytes = try? connection.receive(maxCount: 65536).value, !bytes.isEmpty {
                            var reply = bytes
                            transform(&reply)
                            let (seconds, attoseconds) = delay.components
                            usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                            guard (try? connection.sendAll(reply)) != nil else { break }
                        }
                        try? connection.close()
                    }
                }
            }
        }

        func stop() {
            try? listener.shutdown(.read)
        }
    }

    func generator(port: UInt16, connections: Int = 4) -> LoadGenerator {
        LoadGenerator(
            address: .loopbackIPv4(port: port), connections: connections, size: 64, depth: 1,
            warmup: .milliseconds(100), duration: .milliseconds(600))
    }

    func testReportsTheLatencyOfASlowServer() throws {
        let server = try OddServer(delay: .milliseconds(20)) { _ in }
        defer { server.stop() }
        let windows = Mutex<[Bool]>([])
        let report = try generator(port: server.port).run { opened in windows.withLock { $0.append(opened) } }
        XCTAssertEqual(windows.withLock { $0 }, [true, false], "the window opens, then closes")
        XCTAssertEqual(report.corrupted, 0)
        XCTAssertEqual(report.unserved, 0)
        XCTAssertGreaterThan(report.requests, 20, "4 connections x 600 ms / ~20 ms")
        XCTAssertLessThan(report.requests, 4 * 600 / 20 + 8)
        XCTAssertGreaterThanOrEqual(report.p50Ns, 20_000_000, "every echo waited 20 ms")
        XCTAssertLessThan(report.p50Ns, 200_000_000)
        XCTAssertGreaterThanOrEqual(report.maxNs, report.p99Ns)
        XCTAssertGreaterThanOrEqual(report.p99Ns, report.p90Ns)
        XCTAssertGreaterThanOrEqual(report.p90Ns, report.p50Ns)
        XCTAssertGreaterThan(report.windowNs, 500_000_000)
    }

    func testReportsEveryCorruptedEcho() throws {
        // Flips one bit of every 64th byte: one wrong byte per message.
        let server = try OddServer(delay: .zero) { bytes in
            for index in bytes.indices where index % 64 == 10 { bytes[index] ^= 0x01 }
        }
        defer { server.stop() }
        let report = try generator(port: server.port, connections: 2).run { _ in }
        XCTAssertGreaterThan(report.requests, 100)
        // The server sees whole 64-byte messages here (one in flight, no
        // partial reads on loopback), so every echo is wrong.
        XCTAssertEqual(report.corrupted, report.requests)
    }

    func testCountsConnectionsThatAreNeverServed() throws {
        // A listener that never accepts: connections complete in the
        // backlog, and no echo ever comes.
        let silent = try Socket(family: .ipv4, type: .stream)
        defer { try? silent.close() }
        try silent.bind(to: .loopbackIPv4(port: 0))
        try silent.listen(backlog: 8)
        guard case .ipv4(_, let port) = try silent.localAddress else { return XCTFail("no port") }
        let report = try generator(port: port, connections: 3).run { _ in }
        XCTAssertEqual(report.requests, 0)
        XCTAssertEqual(report.unserved, 3)
    }

    func testANonListeningPortLeavesEveryConnectionUnserved() throws {
        let probe = try Socket(family: .ipv4, type: .stream)
        try probe.bind(to: .loopbackIPv4(port: 0))
        guard case .ipv4(_, let port) = try probe.localAddress else { return XCTFail("no port") }
        try probe.close()
        let report = try generator(port: port, connections: 5).run { _ in }
        XCTAssertEqual(report.unserved, 5)
        XCTAssertEqual(report.requests, 0)
    }
}

final class LoadGeneratorPercentileTests: XCTestCase {
    func testRadixSortMatchesSwiftSort() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 1000, 70_000] {
            var samples = (0..<count).map { _ in
                UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...50)
            }
            let expected = samples.sorted()
            var scratch = [UInt64](repeating: 0, count: count)
            samples.withUnsafeMutableBufferPointer { s in
                scratch.withUnsafeMutableBufferPointer { lg_sort_samples(s.baseAddress, $0.baseAddress, count) }
            }
            XCTAssertEqual(samples, expected, "count \(count)")
        }
    }

    /// Nearest rank: p50 of 1...10 is 5, p90 is 9, p99 is 10.
    func testNearestRankPercentiles() {
        let sorted: [UInt64] = Array(1...10)
        XCTAssertEqual(lg_percentile(sorted, 10, 0.50), 5)
        XCTAssertEqual(lg_percentile(sorted, 10, 0.90), 9)
        XCTAssertEqual(lg_percentile(sorted, 10, 0.99), 10)
        XCTAssertEqual(lg_percentile(sorted, 10, 1.0), 10)
        XCTAssertEqual(lg_percentile(sorted, 0, 0.5), 0)
    }
}
