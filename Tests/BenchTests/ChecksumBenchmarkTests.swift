import XCTest

@testable import Bench

final class ChecksumBenchmarkTests: XCTestCase {
    func testRunsEveryKernelAtEverySize() throws {
        var configuration = ChecksumBenchmark.Configuration()
        configuration.sizes = [64, 1501]
        configuration.rounds = 2
        configuration.secondsPerSample = 0.001
        let results = try ChecksumBenchmark(configuration).run()
        XCTAssertEqual(results.measurements.count, 2 * configuration.kernels.count)
        for measurement in results.measurements {
            XCTAssertEqual(measurement.samples.count, 2)
            XCTAssertGreaterThan(measurement.gigabytesPerSecond, 0)
        }
        XCTAssertTrue(configuration.kernels.contains(.readLimit))
        XCTAssertTrue(configuration.kernels.contains(.textbook))
        XCTAssertTrue(configuration.kernels.contains(.path(.scalar)))
        let report = ChecksumReport(results: results, rounds: 2, cpu: "test CPU").text
        XCTAssertTrue(report.contains("dispatched / read limit"))
        XCTAssertTrue(report.contains("64 B"))
        XCTAssertTrue(report.contains("1501 B"))
        XCTAssertTrue(results.csv.hasPrefix("kernel,size,gb_per_s,ns_per_call\n"))
        XCTAssertTrue(results.json(cpu: "test CPU").contains("\"gb_per_second\""))
    }

    func testRatiosAndGoals() {
        let m = { (kernel: ChecksumKernel, size: Int, gbps: Double) in
            ChecksumBenchmark.Measurement(kernel: kernel, size: size, samples: [gbps, gbps * 2, gbps])
        }
        let results = ChecksumResults(
            measurements: [
                m(.readLimit, 1500, 40), m(.dispatched, 1500, 30), m(.textbook, 1500, 3),
                m(.dispatched, 64, 32),
            ], sizes: [64, 1500])
        XCTAssertEqual(results.ratio(.dispatched, over: .readLimit, at: 1500) ?? 0, 0.75, accuracy: 1e-9)
        XCTAssertEqual(results.ratio(.dispatched, over: .textbook, at: 1500) ?? 0, 10, accuracy: 1e-9)
        XCTAssertNil(results.ratio(.dispatched, over: .readLimit, at: 64))
        let goals = results.goals
        XCTAssertEqual(goals.first { $0.text == "dispatched / read limit at 1500 B" }?.met, true)
        XCTAssertEqual(goals.first { $0.text == "dispatched / read limit at 64 KiB" }?.met, nil)
        // 64 bytes at a median of 32 GB/s is 2 ns per call: under the 2.5 ns goal.
        let perCall = goals.first { $0.text == "dispatched ns per 64-byte call" }
        XCTAssertEqual(perCall?.measured ?? 0, 2, accuracy: 1e-9)
        XCTAssertEqual(perCall?.met, true)
    }

    func testMedian() {
        XCTAssertEqual(median([3, 1, 2]), 2)
        XCTAssertEqual(median([4, 1, 3, 2]), 2.5)
    }

    func testFormatting() {
        XCTAssertEqual(formatSize(64), "64 B")
        XCTAssertEqual(formatSize(1500), "1500 B")
        XCTAssertEqual(formatSize(65536), "64 KiB")
        XCTAssertEqual(formatSize(16 << 20), "16 MiB")
        XCTAssertEqual(fixed(3.14159, 2), "3.14")
        XCTAssertEqual(fixed(0.005, 2), "0.01")
        XCTAssertEqual(fixed(2, 0), "2")
        XCTAssertEqual(fixed(-1.5, 1), "-1.5")
        XCTAssertEqual(fixed(12.04, 2), "12.04")
        var table = TextTable(header: ["k", "a"])
        table.add(["long name", "1.00"])
        XCTAssertEqual(table.render(), "k             a\nlong name  1.00")
    }
}
