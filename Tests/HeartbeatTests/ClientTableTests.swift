import SocketCore
import XCTest

@testable import Heartbeat

/// The monitor's logic, fed made-up arrivals: no sockets, no clocks.
final class ClientTableTests: XCTestCase {
    private let start = MonotonicInstant(nanoseconds: 1_000_000_000_000)
    private let wallStart: Int64 = 1_700_000_000_000_000
    private let sender = SocketAddress.loopbackIPv4(port: 40000)

    /// Heartbeat `sequence` of a client sending every second from `start`
    /// (`run` moves the start, for a restarted client), arriving `delay` µs
    /// after its deadline, with `lateBy` seconds added to both.
    private func arrive(
        _ table: inout ClientTable, _ sequence: UInt64, id: String? = "alpha", run: Int64 = 0, delay: Int64 = 100,
        lateBy seconds: Int64 = 0, from address: SocketAddress? = nil
    ) -> [HeartbeatEvent.Kind] {
        let sent = wallStart + (run + Int64(sequence) - 1 + seconds) * 1_000_000
        let message = HeartbeatMessage(sequence: sequence, sentAt: UnixTime(microseconds: sent), id: id)
        let arrival = start + .microseconds(sent - wallStart + delay)
        return table.receive(
            message, from: address ?? sender, arrival: arrival, wallTime: UnixTime(microseconds: sent + delay)
        ).map(\.kind)
    }

    private func summary(_ table: ClientTable, _ name: String = "alpha") -> ClientSummary? {
        table.clients[name]?.summary
    }

    func testInOrderHeartbeatsCarryTheirDelay() {
        var table = ClientTable()
        XCTAssertEqual(arrive(&table, 1, delay: 81), [.heartbeat(sequence: 1, delayMicroseconds: 81)])
        XCTAssertEqual(arrive(&table, 2, delay: 90), [.heartbeat(sequence: 2, delayMicroseconds: 90)])
        XCTAssertEqual(summary(table)?.received, 2)
        XCTAssertEqual(summary(table)?.lost, 0)
    }

    func testAGapReportsTheExactMissingNumbers() {
        var table = ClientTable()
        _ = arrive(&table, 1)
        XCTAssertEqual(
            arrive(&table, 5), [.lost(sequences: 2...4), .heartbeat(sequence: 5, delayMicroseconds: 100)])
        XCTAssertEqual(arrive(&table, 7), [.lost(sequences: 6...6), .heartbeat(sequence: 7, delayMicroseconds: 100)])
        XCTAssertEqual(summary(table)?.lost, 4)
        XCTAssertEqual(summary(table)?.received, 3)
    }

    func testALostHeartbeatThatArrivesIsReorderedAndNoLongerLost() {
        var table = ClientTable()
        _ = arrive(&table, 1)
        _ = arrive(&table, 3)
        XCTAssertEqual(arrive(&table, 2, delay: 1_500_000), [.reordered(sequence: 2, delayMicroseconds: 1_500_000)])
        XCTAssertEqual(summary(table), summaryOf(received: 3, lost: 0, reordered: 1))
        // A second copy of it is a duplicate, not reordered again.
        XCTAssertEqual(arrive(&table, 2), [.duplicate(sequence: 2)])
    }

    func testDuplicates() {
        var table = ClientTable()
        _ = arrive(&table, 1)
        XCTAssertEqual(arrive(&table, 1), [.duplicate(sequence: 1)])
        _ = arrive(&table, 2)
        XCTAssertEqual(arrive(&table, 2), [.duplicate(sequence: 2)])
        XCTAssertEqual(arrive(&table, 1), [.duplicate(sequence: 1)])
        XCTAssertEqual(summary(table), summaryOf(received: 2, duplicates: 3))
    }

    func testSequenceBackToOneIsARestart() {
        var table = ClientTable()
        for sequence in 1...5 { _ = arrive(&table, UInt64(sequence)) }
        XCTAssertEqual(
            arrive(&table, 1, run: 10),
            [.restarted(sequence: 1, after: 5), .heartbeat(sequence: 1, delayMicroseconds: 100)])
        XCTAssertEqual(arrive(&table, 2, run: 10), [.heartbeat(sequence: 2, delayMicroseconds: 100)])
        XCTAssertEqual(summary(table), summaryOf(received: 7, restarts: 1))
    }

    func testARestartWhoseFirstHeartbeatsWereLost() {
        var table = ClientTable()
        for sequence in 1...9 { _ = arrive(&table, UInt64(sequence)) }
        XCTAssertEqual(
            arrive(&table, 3, run: 20),
            [
                .restarted(sequence: 3, after: 9), .lost(sequences: 1...2),
                .heartbeat(sequence: 3, delayMicroseconds: 100),
            ])
    }

    func testClientsByIDElseByAddress() {
        var table = ClientTable()
        _ = arrive(&table, 1, id: "alpha")
        _ = arrive(&table, 1, id: "beta")
        _ = arrive(&table, 1, id: nil)
        // The same ID from another port is the same client.
        _ = arrive(&table, 2, id: "alpha", from: .loopbackIPv4(port: 40001))
        XCTAssertEqual(Set(table.clients.keys), ["alpha", "beta", "127.0.0.1:40000"])
        XCTAssertEqual(summary(table, "alpha")?.received, 2)
    }

    func testStoppedAfterThreeObservedIntervals() {
        var table = ClientTable()
        for sequence in 1...4 { _ = arrive(&table, UInt64(sequence)) }
        let lastArrival = table.clients["alpha"]!.lastArrival
        XCTAssertEqual(table.clients["alpha"]!.observedInterval, .seconds(1))
        XCTAssertEqual(table.expire(now: lastArrival + .milliseconds(2999), wallTime: UnixTime(microseconds: 0)), [])
        let stopped = table.expire(now: lastArrival + .seconds(3), wallTime: UnixTime(microseconds: 0))
        XCTAssertEqual(stopped.map(\.kind), [.stopped(lastSequence: 4, silence: .seconds(3), deadAfter: .seconds(3))])
        // Reported once, until it sends again.
        XCTAssertEqual(table.expire(now: lastArrival + .seconds(10), wallTime: UnixTime(microseconds: 0)), [])
        XCTAssertEqual(arrive(&table, 5, lateBy: 20), [.heartbeat(sequence: 5, delayMicroseconds: 100)])
        XCTAssertEqual(summary(table)?.stops, 1)
    }

    func testTheObservedIntervalIsTheSendersAndSurvivesAGap() {
        var table = ClientTable()
        _ = arrive(&table, 1)
        // Heartbeat 2 and 3 lost: 3 s of sender time over 3 numbers.
        _ = arrive(&table, 4, delay: 900_000)
        XCTAssertEqual(table.clients["alpha"]!.observedInterval, .seconds(1))
    }

    func testStoppedAfterThreeSecondsUntilAnIntervalIsKnown() {
        var table = ClientTable()
        _ = arrive(&table, 1)
        let lastArrival = table.clients["alpha"]!.lastArrival
        XCTAssertEqual(table.expire(now: lastArrival + .milliseconds(2900), wallTime: UnixTime(microseconds: 0)), [])
        XCTAssertEqual(table.expire(now: lastArrival + .seconds(3), wallTime: UnixTime(microseconds: 0)).count, 1)
    }

    func testAGivenDeadAfterWins() {
        var table = ClientTable(deadAfter: .milliseconds(500))
        for sequence in 1...3 { _ = arrive(&table, UInt64(sequence)) }
        let lastArrival = table.clients["alpha"]!.lastArrival
        let stopped = table.expire(now: lastArrival + .milliseconds(500), wallTime: UnixTime(microseconds: 0))
        XCTAssertEqual(
            stopped.map(\.kind),
            [.stopped(lastSequence: 3, silence: .milliseconds(500), deadAfter: .milliseconds(500))])
    }

    func testAFullTableTakesANewClientOnlyInAStoppedOnesPlace() {
        var table = ClientTable(capacity: 2)
        _ = arrive(&table, 1, id: "a")
        _ = arrive(&table, 1, id: "b", lateBy: 1)
        XCTAssertEqual(arrive(&table, 1, id: "c", lateBy: 2), [])
        XCTAssertEqual(table.untracked, 1)
        XCTAssertNil(table.clients["c"])
        // Both stop; the one stopped longest ago (a) makes room.
        _ = table.expire(now: start + .seconds(60), wallTime: UnixTime(microseconds: 0))
        XCTAssertEqual(arrive(&table, 1, id: "c", lateBy: 61).count, 1)
        XCTAssertEqual(Set(table.clients.keys), ["b", "c"])
    }

    func testAHugeGapIsOneEventAndBoundedMemory() {
        var table = ClientTable()
        _ = arrive(&table, 1)
        XCTAssertEqual(
            arrive(&table, 1_000_000_000_000),
            [
                .lost(sequences: 2...999_999_999_999),
                .heartbeat(sequence: 1_000_000_000_000, delayMicroseconds: 100),
            ])
        XCTAssertEqual(summary(table)?.lost, 999_999_999_998)
    }

    func testSummariesByName() {
        var table = ClientTable()
        _ = arrive(&table, 1, id: "beta")
        _ = arrive(&table, 1, id: "alpha")
        XCTAssertEqual(table.summaries(wallTime: UnixTime(microseconds: 0)).map(\.client), ["alpha", "beta"])
    }

    func testScheduleDeadlinesCountFromTheStart() {
        let schedule = HeartbeatSchedule(start: start, interval: .milliseconds(250))
        XCTAssertEqual(schedule.deadline(of: 1), start)
        XCTAssertEqual(schedule.deadline(of: 4001), start + .seconds(1000))
    }

    private func summaryOf(
        received: UInt64, lost: UInt64 = 0, duplicates: UInt64 = 0, reordered: UInt64 = 0, restarts: UInt64 = 0
    ) -> ClientSummary {
        var summary = ClientSummary()
        summary.received = received
        summary.lost = lost
        summary.duplicates = duplicates
        summary.reordered = reordered
        summary.restarts = restarts
        return summary
    }
}
