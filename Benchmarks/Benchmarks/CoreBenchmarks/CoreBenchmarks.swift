import Benchmark
import SocketCore

/// Micro-benchmarks of the C core through SocketCore. Thresholds are kept on
/// deterministic metrics (mallocs); wall-clock figures are for comparing
/// baselines on one machine, not for pass/fail.
let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

    for size in [64, 1500, 65536] {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        Benchmark(
            "checksum \(size) B",
            configuration: .init(
                metrics: metrics, scalingFactor: .kilo,
                thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])
        ) { benchmark in
            bytes.withUnsafeBytes { raw in
                for _ in benchmark.scaledIterations {
                    var sum = InternetChecksum()
                    sum.add(raw)
                    blackHole(sum.value)
                }
            }
        }
    }

    let reply =
        (try? ICMPMessage.echo(
            .v4, reply: true, identifier: 0x1234, sequence: 1,
            payload: (0..<56).map { UInt8($0) })) ?? []
    Benchmark("parse ICMP echo reply", configuration: .init(metrics: metrics, scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? ICMPMessage.parseV4(reply))
        }
    }

    let header =
        (try? IPv4Header(
            totalLength: 84, protocol: 1, source: IPv4Address(rawValue: 0x7f00_0001),
            destination: IPv4Address(rawValue: 0x7f00_0001)
        ).packed()) ?? []
    Benchmark("parse IPv4 header", configuration: .init(metrics: metrics, scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? IPv4Header.parse(header))
        }
    }

    // The event loop's register/unregister pair, as a server pays it once
    // per connection: epoll_ctl ADD and DEL, and the Swift closure's box.
    Benchmark("event loop watch + unwatch", configuration: .init(metrics: metrics, scalingFactor: .kilo)) { benchmark in
        guard let loop = try? EventLoop(), let (left, right) = try? Socket.pair() else { return }
        defer {
            try? left.close()
            try? right.close()
        }
        let descriptor = left.withUnsafeFileDescriptor { $0 }
        for _ in benchmark.scaledIterations {
            if let id = try? loop.watch(descriptor, for: .readable, { _ in }) { loop.unwatch(id) }
        }
    }
}
