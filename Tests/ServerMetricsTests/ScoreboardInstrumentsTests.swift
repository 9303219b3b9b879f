import Servers
import XCTest

@testable import ServerMetrics

/// The instruments brought up to snapshots of a worker's counts, read back
/// from the text the registry emits.
final class ScoreboardInstrumentsTests: XCTestCase {
    /// Each bucket's requests land in that bucket, and the sum is the
    /// scoreboard's to the nanosecond, remainders included.
    func testHistogramCountsAndSumAreExact() {
        var worker = WorkerStatistics(worker: 0)
        worker.requests = 6
        worker.durations.counts[0] = 3
        worker.durations.nanoseconds[0] = 100_001
        worker.durations.counts[4] = 2
        worker.durations.nanoseconds[4] = 1_500_000
        worker.durations.counts[16] = 1
        worker.durations.nanoseconds[16] = 20_000_000_000
        let instruments = ScoreboardInstruments()
        instruments.update(model: "thread", workers: [worker])
        let samples = emitted(instruments)
        let labels = #"model="thread",worker="0""#
        XCTAssertEqual(samples["sockworks_request_duration_seconds_sum{\(labels)}"], "20.001600001")
        XCTAssertEqual(samples["sockworks_request_duration_seconds_count{\(labels)}"], "6")
        let cumulative = [3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]
        for (bound, count) in zip(bounds, cumulative) {
            XCTAssertEqual(
                samples["sockworks_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"}"], "\(count)", bound)
        }
        XCTAssertEqual(samples["sockworks_request_duration_seconds_bucket{\(labels),le=\"+Inf\"}"], "6")
        XCTAssertEqual(samples["sockworks_requests_total{\(labels)}"], "6")
    }

    /// A snapshot that holds a request's count but not yet its duration is
    /// recorded within its bucket, and the sum comes right with the bucket's
    /// next request.
    func testAHalfWrittenDurationIsMadeUpLater() {
        let instruments = ScoreboardInstruments()
        var worker = WorkerStatistics(worker: 1)
        worker.durations.counts[1] = 1
        instruments.update(model: "epoll", workers: [worker])
        let labels = #"model="epoll",worker="1""#
        XCTAssertEqual(emitted(instruments)["sockworks_request_duration_seconds_sum{\(labels)}"], "0.000050001")
        XCTAssertEqual(emitted(instruments)["sockworks_request_duration_seconds_bucket{\(labels),le=\"0.00005\"}"], "0")
        XCTAssertEqual(emitted(instruments)["sockworks_request_duration_seconds_bucket{\(labels),le=\"0.0001\"}"], "1")
        worker.durations.counts[1] = 2
        worker.durations.nanoseconds[1] = 150_000
        instruments.update(model: "epoll", workers: [worker])
        let samples = emitted(instruments)
        XCTAssertEqual(samples["sockworks_request_duration_seconds_sum{\(labels)}"], "0.00015")
        XCTAssertEqual(samples["sockworks_request_duration_seconds_count{\(labels)}"], "2")
        XCTAssertEqual(samples["sockworks_request_duration_seconds_bucket{\(labels),le=\"0.0001\"}"], "2")
    }

    /// Counters go up by what was counted since the last scrape; the gauge is set.
    func testCountersAddTheDeltaAndTheGaugeIsSet() {
        let instruments = ScoreboardInstruments()
        var workers = [WorkerStatistics(worker: 0), WorkerStatistics(worker: 1)]
        workers[0].connectionsAccepted = 4
        workers[0].bytesIn = 100
        workers[0].bytesOut = 90
        workers[0].connectionsOpen = 2
        workers[1].errors = 1
        workers[1].shed = 3
        instruments.update(model: "prefork", workers: workers)
        workers[0].connectionsAccepted = 7
        workers[0].bytesIn = 250
        workers[0].connectionsOpen = 0
        instruments.update(model: "prefork", workers: workers)
        let samples = emitted(instruments)
        let first = #"model="prefork",worker="0""#
        let second = #"model="prefork",worker="1""#
        XCTAssertEqual(samples["sockworks_connections_accepted_total{\(first)}"], "7")
        XCTAssertEqual(samples["sockworks_bytes_total{\(first),direction=\"in\"}"], "250")
        XCTAssertEqual(samples["sockworks_bytes_total{\(first),direction=\"out\"}"], "90")
        XCTAssertEqual(samples["sockworks_connections_open{\(first)}"], "0.0")
        XCTAssertEqual(samples["sockworks_errors_total{\(second)}"], "1")
        XCTAssertEqual(samples["sockworks_shed_total{\(second)}"], "3")
        XCTAssertEqual(samples["sockworks_request_duration_seconds_count{\(second)}"], "0")
    }

    private let bounds = [
        "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
        "0.25", "0.5", "1.0", "2.5", "10.0",
    ]

    /// The emitted samples, by name and labels as written.
    private func emitted(_ instruments: ScoreboardInstruments) -> [String: String] {
        var samples: [String: String] = [:]
        for line in String(decoding: instruments.exposition(), as: UTF8.self).split(separator: "\n")
        where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return samples
    }
}
