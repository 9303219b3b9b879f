import Benchmark
import SocketCore

/// Micro-benchmarks of the C core through SocketCore. Thresholds are kept on
/// deterministic metrics (mallocs); wall-clock figures are for comparing
/// baselines on one machine, not for pass/fail.
let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

    for size in [64, 1500, 65536] {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        Benchmark("checksum \(size) B",
                  configuration: .init(metrics: metrics, scalingFactor: .kilo,
                                       thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])) { benchmark in
            bytes.withUnsafeBytes { raw in
                for _ in benchmark.scaledIterations {
                    var sum = InternetChecksum()
                    sum.add(raw)
                    blackHole(sum.value)
                }
            }
        }
    }

    let reply = (try? ICMPMessage.echo(.v4, reply: true, identifier: 0x1234, sequence: 1,
                                       payload: (0..<56).map { UInt8($0) })) ?? []
    Benchmark("parse ICMP echo reply", configuration: .init(metrics: metrics, scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? ICMPMessage.parseV4(reply))
        }
    }
}
