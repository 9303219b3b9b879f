import Foundation
import Glibc
import TestSupport
import XCTest

@testable import Bench

final class PingBenchmarkTests: XCTestCase {
    func testSummaryLineOfBothPrograms() {
        let iputils = """
            PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.

            --- 127.0.0.1 ping statistics ---
            20000 packets transmitted, 19998 received, +3 duplicates, 0.01% packet loss, time 231ms
            rtt min/avg/max/mdev = 0.004/0.005/0.136/0.003 ms, ipg/ewma 0.011/0.006 ms

            """
        XCTAssertEqual(
            PingSummaryLine(iputils), PingSummaryLine(transmitted: 20000, received: 19998, milliseconds: 231))
        XCTAssertEqual(
            PingSummaryLine("1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n"),
            PingSummaryLine(transmitted: 1, received: 0, milliseconds: 0))
        XCTAssertNil(PingSummaryLine("ping: connect: Network is unreachable\n"))
        XCTAssertNil(PingSummaryLine("x packets transmitted, 1 received, time 3ms\n"))
        XCTAssertNil(PingSummaryLine("3 packets transmitted, 3 received, 0% packet loss, time 3s\n"))
    }

    func testReportMediansRatiosAndGoals() throws {
        func run(_ wall: Double, cpu: Double, probes: Int = 1000) -> PingProgramRun {
            PingProgramRun(
                transmitted: probes, received: probes, reportedMilliseconds: Int(wall * 900),
                wallSeconds: wall, cpuSeconds: cpu)
        }
        var configuration = PingBenchmark.Configuration()
        configuration.floodProbes = 1000
        let results = PingBenchmark.Results(
            configuration: configuration,
            programs: [PingProgram(name: "iputils", path: "/usr/bin/ping"), PingProgram(name: "icmpping", path: "x")],
            // Medians: iputils 0.1 s (10k probes/s), icmpping 0.08 s (12.5k probes/s).
            flood: [
                "iputils": [run(0.1, cpu: 0.05), run(0.2, cpu: 0.05), run(0.05, cpu: 0.05)],
                "icmpping": [run(0.08, cpu: 0.06), run(0.07, cpu: 0.06), run(0.5, cpu: 0.06)],
            ],
            single: [
                "iputils": [run(0.003, cpu: 0.002, probes: 1)],
                "icmpping": [run(0.006, cpu: 0.005, probes: 1)],
            ])
        let report = PingBenchReport(results: results)
        XCTAssertEqual(report.rows.map(\.name), ["iputils", "icmpping"])
        XCTAssertEqual(report.rows[0].probesPerSecond, 10_000, accuracy: 0.001)
        XCTAssertEqual(report.rows[1].probesPerSecond, 12_500, accuracy: 0.001)
        XCTAssertEqual(report.floodRatio ?? 0, 1.25, accuracy: 1e-9)
        XCTAssertEqual(report.singleCPURatio ?? 0, 2.5, accuracy: 1e-9)
        XCTAssertTrue(report.text.contains("flood rate icmpping/iputils: 1.25 (goal >= 1.00: met)"), report.text)
        XCTAssertTrue(
            report.text.contains("-c 1 process time icmpping/iputils: 2.50 (goal <= 2.00: missed)"), report.text)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        XCTAssertEqual(json["flood_ratio"] as? Double, 1.25)
        XCTAssertEqual((json["programs"] as? [[String: Any]])?.count, 2)
    }

    /// The real thing, briefly: both programs flood loopback and the report
    /// holds numbers for both.
    func testMeasuresBothProgramsOnLoopback() async throws {
        try requireRoot("flood mode")
        try requireProgram("/usr/bin/ping")
        let ours = try BenchPaths.sibling("icmpping")
        var configuration = PingBenchmark.Configuration()
        configuration.floodProbes = 200
        configuration.floodRounds = 1
        configuration.singleRuns = 2
        let results = try await PingBenchmark(configuration).run(
            [PingProgram(name: "iputils", path: "/usr/bin/ping"), PingProgram(name: "icmpping", path: ours)]
        ) { _ in }
        for name in ["iputils", "icmpping"] {
            XCTAssertEqual(results.flood[name]?.map(\.transmitted), [200], name)
            XCTAssertEqual(results.single[name]?.count, 2, name)
            XCTAssertGreaterThan(results.flood[name]?.first?.cpuSeconds ?? 0, 0, name)
        }
    }
}
