import Glibc
import TestSupport
import XCTest

/// `--metrics` on the server models: what a test sends is what the scrape,
/// read by prometheus_client's parser, reports.
final class MetricsCountsTests: XCTestCase {
    func testIterativeEchoCounts() async throws {
        try await checkEchoCounts(["--model", "iterative"], model: "iterative", workers: 1)
    }

    func testThreadEchoCounts() async throws {
        try await checkEchoCounts(["--model", "thread"], model: "thread", workers: 1)
    }

    /// A process per connection, forked while the endpoint's thread runs.
    func testForkEchoCounts() async throws {
        try await checkEchoCounts(["--model", "fork"], model: "fork", workers: 1)
    }

    func testPreforkEchoCountsOverTwoWorkers() async throws {
        try await checkEchoCounts(["--model", "prefork", "--workers", "2"], model: "prefork", workers: 2)
    }

    func testEpollEchoCountsOverTwoWorkers() async throws {
        try await checkEchoCounts(["--model", "epoll", "--workers", "2"], model: "epoll", workers: 2)
    }

    /// A datagram is a request with no duration: the histogram stays empty.
    func testDatagramEchoCounts() async throws {
        let datagrams = 5
        let payload = [UInt8](repeating: 0x61, count: 50)
        let (scraped, outcome) = try await withMetricsServer(["echo", "--udp"]) { server in
            let client = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
            defer { client.close() }
            XCTAssertEqual(client.connect(port: server.port), 0)
            for _ in 0..<datagrams {
                try client.sendAll(payload)
                XCTAssertEqual(try client.receive(exactly: payload.count), payload)
            }
            let scraped = try await scrapeUntil(server.metricsURL) {
                $0.total("sockworks_requests_total") >= Double(datagrams)
            }
            try await assertStops(server)
            return scraped
        }
        assertExitedZero(outcome)
        let labels = ["model": "datagram"]
        XCTAssertEqual(scraped.total("sockworks_requests_total", labels), Double(datagrams))
        XCTAssertEqual(scraped.total("sockworks_bytes_total", labels.merging(["direction": "in"]) { $1 }), 250)
        XCTAssertEqual(scraped.total("sockworks_bytes_total", labels.merging(["direction": "out"]) { $1 }), 250)
        XCTAssertEqual(scraped.total("sockworks_connections_accepted_total", labels), 0)
        XCTAssertEqual(scraped.total("sockworks_request_duration_seconds_count", labels), 0)
        XCTAssertEqual(scraped.total("sockworks_request_duration_seconds_sum", labels), 0)
    }

    /// The HTTP server counts a request per response.
    func testHTTPServerCounts() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeFile(folder.file("index.html"), Array("<p>counted</p>\n".utf8))
        let requests = 3
        let (scraped, outcome) = try await withMetricsServer(["http", "--root", folder.path, "--model", "thread"]) {
            server in
            for _ in 0..<requests {
                let fetched = try await runProgram(
                    "/usr/bin/curl", ["-sS", "--max-time", "5", "http://\(server.address)/index.html"])
                XCTAssertEqual(fetched.standardOutput, "<p>counted</p>\n", fetched.standardError)
            }
            let scraped = try await scrapeUntil(server.metricsURL) {
                $0.total("sockworks_requests_total") >= Double(requests)
                    && $0.total("sockworks_connections_open") == 0
            }
            try await assertStops(server)
            return scraped
        }
        assertExitedZero(outcome)
        XCTAssertEqual(scraped.total("sockworks_requests_total", ["model": "thread"]), Double(requests))
        XCTAssertEqual(scraped.total("sockworks_connections_accepted_total"), Double(requests))
        XCTAssertEqual(scraped.total("sockworks_request_duration_seconds_count"), Double(requests))
    }

    /// Connections of `exchanges` round trips each, every one awaited so
    /// that each is one chunk (one request) at the server; then the counts
    /// once the connections have ended.
    private func checkEchoCounts(
        _ arguments: [String], model: String, workers: Int, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let connections = 3
        let exchanges = 4
        let message = [UInt8](repeating: 0x7a, count: 100)
        let (scrapes, outcome) = try await withMetricsServer(["echo"] + arguments) { server in
            let before = try await scrape(server.metricsURL)
            for _ in 0..<connections {
                let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
                defer { client.close() }
                XCTAssertEqual(client.connect(port: server.port), 0, file: file, line: line)
                for _ in 0..<exchanges {
                    try client.sendAll(message)
                    XCTAssertEqual(try client.receive(exactly: message.count), message, file: file, line: line)
                }
            }
            let requests = Double(connections * exchanges)
            let after = try await scrapeUntil(server.metricsURL) {
                $0.total("sockworks_requests_total") >= requests && $0.total("sockworks_connections_open") == 0
                    && $0.total("sockworks_connections_accepted_total") >= Double(connections)
            }
            try await assertStops(server)
            return (before, after)
        }
        assertExitedZero(outcome, file: file, line: line)
        let (before, after) = scrapes
        let requests = Double(connections * exchanges)
        let bytes = requests * Double(message.count)
        XCTAssertEqual(before.total("sockworks_requests_total"), 0, file: file, line: line)
        XCTAssertEqual(after.total("sockworks_connections_accepted_total"), Double(connections), file: file, line: line)
        XCTAssertEqual(after.total("sockworks_requests_total"), requests, file: file, line: line)
        XCTAssertEqual(after.total("sockworks_bytes_total", ["direction": "in"]), bytes, file: file, line: line)
        XCTAssertEqual(after.total("sockworks_bytes_total", ["direction": "out"]), bytes, file: file, line: line)
        XCTAssertEqual(after.total("sockworks_errors_total"), 0, file: file, line: line)
        XCTAssertEqual(after.total("sockworks_shed_total"), 0, file: file, line: line)
        XCTAssertEqual(after.total("sockworks_connections_open"), 0, file: file, line: line)
        assertHistogram(after, count: requests, file: file, line: line)
        // Every sample carries the model and a worker of the server's.
        let expectedWorkers = Set((0..<workers).map(String.init))
        for sample in after.samples {
            XCTAssertEqual(sample.labels["model"], model, "\(sample)", file: file, line: line)
            XCTAssertTrue(expectedWorkers.contains(sample.labels["worker"] ?? ""), "\(sample)", file: file, line: line)
        }
        XCTAssertEqual(
            Set(after.matching("sockworks_requests_total").compactMap { $0.labels["worker"] }), expectedWorkers,
            file: file, line: line)
        XCTAssertEqual(after.type(of: "sockworks_requests_total"), "counter", file: file, line: line)
        XCTAssertEqual(after.type(of: "sockworks_connections_open"), "gauge", file: file, line: line)
        XCTAssertEqual(after.type(of: "sockworks_request_duration_seconds_count"), "histogram", file: file, line: line)
    }

    /// The histogram holds `count` requests: in its count, its +Inf bucket,
    /// buckets that never decrease, and a sum of durations that is positive
    /// and no more than every request at its bucket's bound.
    private func assertHistogram(
        _ scraped: PrometheusScrape, count: Double, file: StaticString = #filePath, line: UInt = #line
    ) {
        let name = "sockworks_request_duration_seconds"
        XCTAssertEqual(scraped.total("\(name)_count"), count, file: file, line: line)
        XCTAssertEqual(scraped.total("\(name)_bucket", ["le": "+Inf"]), count, file: file, line: line)
        XCTAssertGreaterThan(scraped.total("\(name)_sum"), 0, file: file, line: line)
        for worker in Set(scraped.matching("\(name)_bucket").compactMap({ $0.labels["worker"] })) {
            let buckets = scraped.matching("\(name)_bucket", ["worker": worker])
                .map { (bound: Double($0.labels["le"] ?? "") ?? .infinity, count: $0.value) }
                .sorted { $0.bound < $1.bound }
            XCTAssertEqual(buckets.count, 17, file: file, line: line)
            XCTAssertEqual(buckets.map(\.count), buckets.map(\.count).sorted(), "cumulative", file: file, line: line)
            var ceiling = 0.0
            var below = 0.0
            for bucket in buckets where bucket.bound.isFinite {
                ceiling += (bucket.count - below) * bucket.bound
                below = bucket.count
            }
            if below == buckets.last?.count {
                let sum = scraped.total("\(name)_sum", ["worker": worker])
                XCTAssertLessThanOrEqual(sum, ceiling * (1 + 1e-9), "worker \(worker)", file: file, line: line)
            }
        }
    }
}

/// Scrapes until `condition` holds (the counts of a connection land when it
/// ends, a moment after the client closes), at most for 10 s; returns the
/// last scrape either way.
func scrapeUntil(_ url: String, _ condition: (PrometheusScrape) -> Bool) async throws -> PrometheusScrape {
    let deadline = ContinuousClock.now + .seconds(10)
    var scraped = try await scrape(url)
    while !condition(scraped) && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(50))
        scraped = try await scrape(url)
    }
    return scraped
}
