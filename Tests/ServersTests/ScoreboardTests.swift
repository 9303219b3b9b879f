import Glibc
import Servers
import SocketCore
import TestSupport
import XCTest

@testable import Servers

final class ScoreboardTests: XCTestCase {
    func testAConnectionsCountsMoveToItsWorkerWhenItEnds() throws {
        let scoreboard = try Scoreboard(service: "test", model: "thread", workers: 2, slotsPerWorker: 4)
        let peer = SocketAddress.ipv4(IPv4Address(127, 0, 0, 9), port: 4242)
        let record = scoreboard.worker(1).open(peer: peer)
        record.received(100)
        record.sent(60)
        record.sent(40)
        record.finished(2)

        var statistics = scoreboard.statistics()
        XCTAssertEqual(statistics.workers[1].connectionsOpen, 1)
        XCTAssertEqual(statistics.workers[1].bytesIn, 100)
        XCTAssertEqual(statistics.total.bytesOut, 100)
        XCTAssertEqual(statistics.total.requests, 2)
        XCTAssertEqual(statistics.total.durations.count, 2)
        let listed = scoreboard.connections()
        XCTAssertEqual(listed.map(\.peer), ["127.0.0.9:4242"])
        XCTAssertEqual(listed.first?.worker, 1)
        XCTAssertEqual(listed.first?.pid, getpid())

        record.end(byError: true)
        statistics = scoreboard.statistics()
        XCTAssertEqual(statistics.workers[1].connectionsOpen, 0)
        XCTAssertEqual(statistics.workers[1].bytesIn, 100)
        XCTAssertEqual(statistics.workers[1].errors, 1)
        XCTAssertEqual(statistics.workers[0], WorkerStatistics(worker: 0))
        XCTAssertTrue(scoreboard.connections().isEmpty)

        // The slot is free again, and a new connection starts from zero.
        let next = scoreboard.worker(1).open(peer: .ipv6(IPv6Address("::1")!, port: 80))
        XCTAssertEqual(scoreboard.connections().map(\.peer), ["[::1]:80"])
        XCTAssertEqual(scoreboard.connections().first?.bytesIn, 0)
        next.end(byError: false)
    }

    func testConnectionsBeyondTheSlotsAreCountedButNotListed() throws {
        let scoreboard = try Scoreboard(service: "test", model: "poll", workers: 1, slotsPerWorker: 1)
        let counters = scoreboard.worker(0)
        let first = counters.open(peer: .unix(path: ""))
        let second = counters.open(peer: .unix(path: ""))
        second.received(7)
        XCTAssertEqual(scoreboard.statistics().total.connectionsOpen, 2)
        XCTAssertEqual(scoreboard.connections().count, 1)
        second.end(byError: false)
        first.end(byError: false)
        let total = scoreboard.statistics().total
        XCTAssertEqual(total.connectionsOpen, 0)
        XCTAssertEqual(total.bytesIn, 7)
    }

    func testTheSlotsOfADeadProcessAreReleasedWithTheirCounts() throws {
        let scoreboard = try Scoreboard(service: "test", model: "fork", workers: 1, slotsPerWorker: 8)
        let record = scoreboard.worker(0).open(peer: .unix(path: ""))
        record.received(5)
        scoreboard.releaseSlots(ofProcess: getpid() + 1)
        XCTAssertEqual(scoreboard.statistics().total.connectionsOpen, 1)
        scoreboard.releaseSlots(ofProcess: getpid())
        let total = scoreboard.statistics().total
        XCTAssertEqual(total.connectionsOpen, 0)
        XCTAssertEqual(total.bytesIn, 5)
    }

    func testDurationsLandInTheirBuckets() {
        XCTAssertEqual(RequestDurations.bucket(of: 0), 0)
        XCTAssertEqual(RequestDurations.bucket(of: 50_000), 0)
        XCTAssertEqual(RequestDurations.bucket(of: 50_001), 1)
        XCTAssertEqual(RequestDurations.bucket(of: 10_000_000_000), RequestDurations.bounds.count - 1)
        XCTAssertEqual(RequestDurations.bucket(of: .max), RequestDurations.bounds.count)
        XCTAssertEqual(RequestDurations.bounds.count + 1, RequestDurations.bucketCount)
    }

    /// The models that serve in this process's threads, each with three
    /// echo clients: every byte and every connection counted.
    func testEveryThreadedModelCountsWhatItServes() throws {
        for (model, workers) in [
            (ServerModel.iterative, 1), (.thread, 1), (.select, 1), (.poll, 1), (.epoll, 2), (.epollC, 2),
        ] {
            let scoreboard = try Scoreboard(service: "echo server", model: model.rawValue, workers: workers)
            let control = ServerControl(scoreboard: scoreboard)
            let listener = try ServiceBootstrap.listeningSocket(
                on: .ipv4(IPv4Address(127, 0, 0, 1), port: 0), reusePort: model.needsReusePort)
            guard case .ipv4(_, let port) = try listener.localAddress else { return XCTFail("no port") }
            let server = BackgroundThread {
                try model.serveEcho(listener: listener, control: control, workers: workers)
            }
            var sent = 0
            for client in 0..<3 {
                let socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
                XCTAssertEqual(socket.connect(port: port), 0)
                let message = [UInt8](repeating: UInt8(client + 65), count: 1000 * (client + 1))
                try socket.sendAll(message)
                XCTAssertEqual(try socket.receive(exactly: message.count), message, "\(model)")
                sent += message.count
                try socket.shutdownWrite()
                try socket.receiveEndOfStream()
                socket.close()
            }
            let deadline = MonotonicInstant.now + .seconds(5)
            while scoreboard.statistics().total.connectionsOpen > 0 && MonotonicInstant.now < deadline {
                Pause.sleep(for: .milliseconds(5))
            }
            let statistics = scoreboard.statistics()
            let total = statistics.total
            XCTAssertEqual(statistics.workers.count, workers)
            XCTAssertEqual(total.connectionsAccepted, 3, "\(model)")
            XCTAssertEqual(total.connectionsOpen, 0, "\(model)")
            XCTAssertEqual(total.bytesIn, UInt64(sent), "\(model)")
            XCTAssertEqual(total.bytesOut, UInt64(sent), "\(model)")
            XCTAssertGreaterThanOrEqual(total.requests, 3, "\(model)")
            XCTAssertEqual(total.errors, 0, "\(model)")
            if model != .epollC { XCTAssertEqual(total.durations.count, total.requests, "\(model)") }
            control.stop()
            try server.value()
            control.settle()
            try listener.close()
        }
    }
}
