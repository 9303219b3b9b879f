import Bench
import Foundation
import Glibc
import TestSupport
import XCTest

/// `UDPBenchmark` in its quick form against the real `serve echo --udp`,
/// plain and batched, and its report.
final class UDPBenchmarkTests: XCTestCase {
    func testQuickRunMeasuresBothServersAtBothDepths() async throws {
        // An absolute path, as the command passes its own (/proc/self/exe).
        let built = try builtExecutable("sockworks").string
        let executable = try XCTUnwrap(realpath(built, nil))
        defer { free(executable) }
        var configuration = UDPBenchmark.Configuration(executable: String(cString: executable))
        // Pinned as the command pins them (the server started through taskset).
        configuration.serverCPU = 0
        configuration.loadCPU = sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 ? 1 : 0
        configuration.warmup = .milliseconds(100)
        configuration.duration = .milliseconds(300)
        let runs = try await UDPBenchmark(configuration).run { _ in }
        XCTAssertEqual(
            runs.map(\.server), ["plain", "plain", "plain", "plain", "batched", "batched", "batched", "batched"])
        XCTAssertEqual(runs.map(\.batchedClient), [false, false, true, true, false, false, true, true])
        XCTAssertEqual(runs.map(\.depth), [1, 64, 1, 64, 1, 64, 1, 64])
        for run in runs {
            XCTAssertGreaterThan(run.load.answered, 0, run.summaryLine)
            XCTAssertGreaterThan(run.serverCPUNs, 0, run.summaryLine)
            XCTAssertEqual(run.load.corrupted, 0, run.summaryLine)
            XCTAssertEqual(run.load.stray, 0, run.summaryLine)
        }
        let report = UDPReport(runs: runs, date: "2026-12-02", command: "sockworks bench udp --quick", machine: "test")
        XCTAssertNotNil(report.ratioAt64(batchedClient: false))
        XCTAssertNotNil(report.ratioAt64(batchedClient: true))
        XCTAssertTrue(report.text.contains("batched / plain server CPU per datagram at 64 in flight, client single: "))
        XCTAssertTrue(report.text.contains("batched / plain server CPU per datagram at 64 in flight, client batched: "))
        XCTAssertTrue(report.text.hasSuffix("(goal ≤ 0.60)\n"))
        // The batched server's runs reach a batching client whole.
        let batchedBoth = try XCTUnwrap(runs.first { $0.server == "batched" && $0.depth == 64 && $0.batchedClient })
        XCTAssertGreaterThan(batchedBoth.load.datagramsPerReceive, 1, batchedBoth.summaryLine)
        XCTAssertTrue(report.markdown.contains("| batched | 64 | batched |"))
        let decoded = try JSONDecoder().decode(UDPReport.self, from: Data(report.json.utf8))
        XCTAssertEqual(decoded.runs, runs)
    }
}
