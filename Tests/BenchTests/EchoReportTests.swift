import Foundation
import Subprocess
import SystemPackage
import TestSupport
import XCTest

@testable import Bench

final class EchoReportTests: XCTestCase {
    static func run(
        _ server: String, connections: Int, run: Int, requests: Int, cpu: Double,
        peer: Bool = false, disturbed: Bool = false
    ) -> EchoRun {
        EchoRun(
            server: server, isPeer: peer, connections: connections, size: 64, depth: 1, run: run, seconds: 2,
            requests: requests, latency: Latency(p50: 10, p90: 20, p99: 40 + Double(run), max: 100 * Double(run)),
            serverCPUSeconds: cpu, loadCPUSeconds: 1, serverPeakRSSKiB: 4096 * run, serverPSSKiB: 2048,
            errors: 0, unserved: run == 3 ? 1 : 0, otherLoadCPUs: 0.01, disturbed: disturbed)
    }

    /// Three runs of epoll-c and epoll at 128 connections, one of nio.
    static let runs: [EchoRun] = [
        run("epoll-c", connections: 128, run: 1, requests: 200_000, cpu: 0.9),
        run("epoll-c", connections: 128, run: 2, requests: 220_000, cpu: 0.9),
        run("epoll-c", connections: 128, run: 3, requests: 180_000, cpu: 0.9),
        run("epoll", connections: 128, run: 1, requests: 200_000, cpu: 1.0),
        run("epoll", connections: 128, run: 2, requests: 200_000, cpu: 1.0, disturbed: true),
        run("epoll", connections: 1, run: 1, requests: 20_000, cpu: 0.5),
        run("nio", connections: 128, run: 1, requests: 100_000, cpu: 1.0, peer: true),
    ]

    func testSummariesTakeMediansAndSpread() throws {
        let summaries = EchoSummary.group(Self.runs)
        XCTAssertEqual(
            summaries.map { "\($0.server)@\($0.connections)" }, ["epoll-c@128", "epoll@1", "epoll@128", "nio@128"])
        let reference = summaries[0]
        XCTAssertEqual(reference.requestsPerSecond, 100_000)
        XCTAssertEqual(reference.spread, 0.2, accuracy: 1e-9, "(110k - 90k) / 100k requests/s")
        XCTAssertEqual(reference.serverMicrosPerRequest, 4.5, accuracy: 1e-9, "0.9 s over 200k requests")
        XCTAssertEqual(reference.latency.max, 300)
        XCTAssertEqual(reference.peakRSSKiB, 3 * 4096)
        XCTAssertEqual(reference.unserved, 1)
        XCTAssertEqual(summaries[2].disturbedRuns, 1)
    }

    func testGoalsAreRatiosOfTheSameRun() throws {
        let goals = EchoGoal.evaluate(EchoSummary.group(Self.runs))
        let byText = Dictionary(uniqueKeysWithValues: goals.map { ($0.text, $0) })
        let reference = try XCTUnwrap(byText["epoll-c server µs/request at 128 connections"])
        XCTAssertEqual(reference.measured ?? 0, 4.5, accuracy: 1e-9)
        XCTAssertEqual(reference.met, true)
        let epoll = try XCTUnwrap(byText["epoll / epoll-c µs/request at 128 connections"])
        XCTAssertEqual(epoll.measured ?? 0, 5.0 / 4.5, accuracy: 1e-9)
        XCTAssertEqual(epoll.met, true)
        let nio = try XCTUnwrap(byText["epoll / nio µs/request at 128 connections"])
        XCTAssertEqual(nio.measured ?? 0, 0.5, accuracy: 1e-9, "5 µs against nio's 10 µs")
        XCTAssertNil(byText["select / epoll-c µs/request at 128 connections"]?.measured, "select was not measured")
    }

    /// A model measured with its control port on is compared run for run:
    /// the median of the pairs' ratios, not the ratio of the medians.
    func testControlGoalIsTheMedianOfRunPairs() throws {
        let runs = [
            // A machine that slows down run by run: each pair alike.
            Self.run("epoll", connections: 128, run: 1, requests: 100_000, cpu: 0.50),
            Self.run("epoll+control", connections: 128, run: 1, requests: 100_000, cpu: 0.51),
            Self.run("epoll", connections: 128, run: 2, requests: 100_000, cpu: 0.60),
            Self.run("epoll+control", connections: 128, run: 2, requests: 100_000, cpu: 0.60),
            Self.run("epoll", connections: 128, run: 3, requests: 100_000, cpu: 0.70),
            Self.run("epoll+control", connections: 128, run: 3, requests: 100_000, cpu: 0.77),
        ]
        let goals = EchoGoal.evaluate(EchoSummary.group(runs))
        let goal = try XCTUnwrap(
            goals.first { $0.text == "epoll+control / epoll µs/request at 128 connections, median of run pairs" })
        XCTAssertEqual(goal.measured ?? 0, 1.02, accuracy: 1e-9, "ratios 1.02, 1.00 and 1.10")
        XCTAssertEqual(goal.target, 1.02)
    }

    /// MODEL+control is measured in turn with MODEL when it follows it;
    /// anything else alone.
    func testAControlledModelIsGroupedWithItsModel() {
        let endpoints = ControlEndpoints(controlPath: "c", metricsPort: 1)
        let targets = [
            EchoTarget(name: "epoll", isPeer: false, command: []),
            EchoTarget(name: "epoll+control", isPeer: false, command: [], endpoints: endpoints),
            EchoTarget(name: "poll+control", isPeer: false, command: [], endpoints: endpoints),
            EchoTarget(name: "nio", isPeer: true, command: []),
        ]
        XCTAssertEqual(
            EchoBenchmark.groups(targets).map { $0.map(\.name) },
            [["epoll", "epoll+control"], ["poll+control"], ["nio"]])
    }

    func testCSVHasOneLinePerRunAndJSONRoundTrips() throws {
        let report = EchoReport(
            runs: Self.runs, idle: [], date: "2026-11-26", command: "sockworks bench",
            machine: "test CPU")
        let lines = report.csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + Self.runs.count)
        XCTAssertEqual(
            lines[1],
            "epoll-c,false,128,64,1,1,2.000,200000,100000.0,10.00,20.00,41.00,100.00,0.900,4.500,1.000,5.000,4096,2048,0,0,0.010,false"
        )

        let decoder = JSONDecoder()
        struct Partial: Decodable {
            let runs: [EchoRun]
            let command: String
        }
        let decoded = try decoder.decode(Partial.self, from: Data(report.json.utf8))
        XCTAssertEqual(decoded.runs, Self.runs)
        XCTAssertEqual(decoded.command, "sockworks bench")
    }

    func testMarkdownTableAndIdleMemory() {
        let idle = [
            IdleMemory(
                server: "poll", connections: 1000, baselineRSSKiB: 10_000, loadedRSSKiB: 10_400,
                baselinePSSKiB: 10_000, loadedPSSKiB: 10_300),
            IdleMemory(
                server: "thread", connections: 1000, baselineRSSKiB: 10_000, loadedRSSKiB: 24_000,
                baselinePSSKiB: 10_000, loadedPSSKiB: 24_000),
        ]
        let report = EchoReport(
            runs: Self.runs, idle: idle, date: "2026-11-26", command: "sockworks bench",
            machine: "test CPU")
        let markdown = report.markdown
        XCTAssertTrue(markdown.contains("| server | conns | req/s |"), markdown)
        XCTAssertTrue(markdown.contains("| nio (peer) | 128 | 50000 |"), markdown)
        XCTAssertTrue(markdown.contains("- poll: 307 B (goal ≤ 4 KiB: met)"), markdown)
        XCTAssertTrue(markdown.contains("- thread: 14336 B\n") || markdown.hasSuffix("- thread: 14336 B\n"), markdown)
    }

    /// The script renders both PNGs with the real gnuplot.
    func testGnuplotRendersBothCharts() async throws {
        let gnuplot = "/usr/bin/gnuplot"
        try requireProgram(gnuplot)
        let temporary = try TemporaryFolder(prefix: "echo-chart")
        defer { temporary.remove() }
        let folder = URL(fileURLWithPath: temporary.path)
        let chart = EchoChart(summaries: EchoSummary.group(Self.runs), title: "echo, 64 B, it's a test")
        XCTAssertEqual(chart.data.components(separatedBy: "\n\n\n").count, 3, "one block per server")
        try chart.data.write(to: folder.appendingPathComponent(EchoChart.dataFile), atomically: true, encoding: .utf8)
        try chart.script.write(
            to: folder.appendingPathComponent(EchoChart.scriptFile), atomically: true, encoding: .utf8)
        let result = try await Subprocess.run(
            .path(FilePath(gnuplot)), arguments: [EchoChart.scriptFile],
            workingDirectory: FilePath(folder.path), output: .discarded, error: .string(limit: 1 << 16))
        XCTAssertEqual(result.terminationStatus, TerminationStatus.exited(0), result.standardError)
        for image in EchoChart.images {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(image))
            XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(image) is a PNG")
            XCTAssertGreaterThan(bytes.count, 5000)
        }
    }
}
