import CSockBench
import CSockCore
import SocketCore

/// Times every checksum kernel at every size in one run, interleaving the
/// kernels round by round so that drift on a noisy machine hits them alike.
public struct ChecksumBenchmark: Sendable {
    public struct Configuration: Sendable {
        /// Message sizes in bytes.
        public var sizes: [Int] = [64, 1500, 64 * 1024, 16 * 1024 * 1024]
        /// Samples per kernel and size; the report shows their median.
        public var rounds = 7
        /// Wall time each sample aims for.
        public var secondsPerSample = 0.04
        public var kernels: [ChecksumKernel] = ChecksumKernel.available

        public init() {}
    }

    /// One kernel at one size.
    public struct Measurement: Sendable {
        public let kernel: ChecksumKernel
        public let size: Int
        /// Throughput of every round, in GB/s (10^9 bytes per second).
        public let samples: [Double]
        public var gigabytesPerSecond: Double { median(samples) }
        public var nanosecondsPerCall: Double { Double(size) / gigabytesPerSecond }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Runs the whole matrix. `progress` gets one line per size. Throws when
    /// two kernels disagree about a checksum: a wrong kernel is never timed.
    public func run(progress: (String) -> Void = { _ in }) throws(BenchError) -> ChecksumResults {
        var measurements: [Measurement] = []
        for size in configuration.sizes {
            progress(
                "checksum: \(formatSize(size)), \(configuration.kernels.count) kernels x \(configuration.rounds) rounds"
            )
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
            defer { buffer.deallocate() }
            var random = SplitMix64(seed: UInt64(size))
            for i in 0..<buffer.count { buffer[i] = UInt8(truncatingIfNeeded: random.next()) }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<size])
            try checkAgreement(bytes)

            var samples = [[Double]](repeating: [], count: configuration.kernels.count)
            let iterations = configuration.kernels.map { calibrate($0, bytes) }
            for _ in 0..<configuration.rounds {
                for (k, kernel) in configuration.kernels.enumerated() {
                    samples[k].append(sample(kernel, bytes, iterations: iterations[k]))
                }
            }
            for (k, kernel) in configuration.kernels.enumerated() {
                measurements.append(Measurement(kernel: kernel, size: size, samples: samples[k]))
            }
        }
        return ChecksumResults(measurements: measurements, sizes: configuration.sizes)
    }

    /// Every checksum kernel must agree before it is timed. The reference is
    /// the scalar path (tested against an independent loop at every length
    /// and alignment). The textbook loop is held to it only up to 128 KiB:
    /// its 32-bit sum can wrap beyond that, as the RFC's own code does.
    private func checkAgreement(_ bytes: UnsafeRawBufferPointer) throws(BenchError) {
        guard let scalar = InternetChecksum.Path.scalar.function else {
            throw BenchError("the scalar checksum path is missing")
        }
        let expected = sc_checksum_fold(scalar(bytes.baseAddress, bytes.count, 0))
        guard sc_checksum(bytes.baseAddress, bytes.count) == expected else {
            throw BenchError("sc_checksum disagrees with the scalar path at \(bytes.count) B")
        }
        for case .path(let path) in configuration.kernels {
            guard let function = path.function,
                sc_checksum_fold(function(bytes.baseAddress, bytes.count, 0)) == expected
            else {
                throw BenchError("checksum path \(path) disagrees with the scalar path at \(bytes.count) B")
            }
        }
        if bytes.count <= ChecksumKernel.textbookExactLimit,
            sb_checksum_textbook(bytes.baseAddress, bytes.count) != expected
                || sb_checksum_textbook_unvectorized(bytes.baseAddress, bytes.count) != expected
        {
            throw BenchError("a textbook loop disagrees with the scalar path at \(bytes.count) B")
        }
    }

    /// Iterations that take about `secondsPerSample` (after a warm-up call).
    private func calibrate(_ kernel: ChecksumKernel, _ bytes: UnsafeRawBufferPointer) -> Int {
        var iterations = 1
        while true {
            let start = MonotonicInstant.now
            consume(kernel.run(bytes, iterations: iterations))
            let elapsed = MonotonicInstant.seconds(since: start)
            if elapsed >= configuration.secondsPerSample / 4 || iterations >= 1 << 30 {
                let scale = configuration.secondsPerSample / max(elapsed, 1e-9)
                return max(1, Int(Double(iterations) * scale))
            }
            iterations *= 4
        }
    }

    private func sample(_ kernel: ChecksumKernel, _ bytes: UnsafeRawBufferPointer, iterations: Int) -> Double {
        let start = MonotonicInstant.now
        consume(kernel.run(bytes, iterations: iterations))
        let elapsedNanoseconds = Double(MonotonicInstant.now.nanoseconds - start.nanoseconds)
        return Double(bytes.count) * Double(iterations) / max(elapsedNanoseconds, 1)
    }
}

/// Keeps a result alive so that the optimizer cannot drop the work behind it.
@inline(never)
func consume(_ value: UInt64) {
    withExtendedLifetime(value) {}
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64),
/// so that every run times the same bytes.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// "64 B", "1500 B", "64 KiB", "16 MiB".
public func formatSize(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) B"
}
