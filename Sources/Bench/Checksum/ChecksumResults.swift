import FoundationEssentials

/// The measurements of one checksum benchmark run, and the ratios and goals
/// the report is made of.
public struct ChecksumResults: Sendable {
    public let measurements: [ChecksumBenchmark.Measurement]
    public let sizes: [Int]

    public func measurement(_ kernel: ChecksumKernel, _ size: Int) -> ChecksumBenchmark.Measurement? {
        measurements.first { $0.kernel == kernel && $0.size == size }
    }

    /// Throughput of `kernel` over throughput of `baseline` at one size.
    public func ratio(_ kernel: ChecksumKernel, over baseline: ChecksumKernel, at size: Int) -> Double? {
        guard let a = measurement(kernel, size), let b = measurement(baseline, size) else { return nil }
        return a.gigabytesPerSecond / b.gigabytesPerSecond
    }

    /// A target the checksum should reach on a CPU like the one it was set for.
    public struct Goal: Sendable {
        public let text: String
        public let measured: Double?
        public let target: Double
        /// True when a larger measured value is better.
        public let atLeast: Bool
        public var met: Bool? {
            measured.map { atLeast ? $0 >= target : $0 <= target }
        }
    }

    /// The project's performance goals for the dispatched path.
    public var goals: [Goal] {
        var goals: [Goal] = []
        for (size, target) in [(1500, 0.5), (64 * 1024, 0.9), (16 * 1024 * 1024, 0.9)] {
            goals.append(
                Goal(
                    text: "dispatched / read limit at \(formatSize(size))",
                    measured: ratio(.dispatched, over: .readLimit, at: size),
                    target: target, atLeast: true))
        }
        for size in [1500, 64 * 1024] {
            goals.append(
                Goal(
                    text: "dispatched / textbook at \(formatSize(size))",
                    measured: ratio(.dispatched, over: .textbook, at: size),
                    target: 5, atLeast: true))
            goals.append(
                Goal(
                    text: "dispatched / textbook, not vectorized, at \(formatSize(size))",
                    measured: ratio(.dispatched, over: .textbookScalar, at: size),
                    target: 5, atLeast: true))
        }
        goals.append(
            Goal(
                text: "dispatched ns per 64-byte call",
                measured: measurement(.dispatched, 64)?.nanosecondsPerCall,
                target: 2.5, atLeast: false))
        return goals
    }
}

// MARK: - Data files

extension ChecksumResults {
    struct Record: Codable {
        let kernel: String
        let name: String
        let size: Int
        let gbPerSecond: Double
        let nsPerCall: Double
        let samples: [Double]
    }

    struct Document: Codable {
        let benchmark: String
        let cpu: String
        let activePath: String
        let results: [Record]
    }

    /// One JSON document with every measurement and its raw samples.
    public func json(cpu: String) -> String {
        let document = Document(
            benchmark: "checksum", cpu: cpu,
            activePath: ChecksumKernel.dispatched.description,
            results: measurements.map {
                Record(
                    kernel: $0.kernel.key, name: $0.kernel.description, size: $0.size,
                    gbPerSecond: $0.gigabytesPerSecond, nsPerCall: $0.nanosecondsPerCall,
                    samples: $0.samples)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// CSV: kernel,size,gb_per_s,ns_per_call.
    public var csv: String {
        var lines = ["kernel,size,gb_per_s,ns_per_call"]
        for m in measurements {
            lines.append(
                "\(m.kernel.key),\(m.size),\(fixed(m.gigabytesPerSecond, 3)),\(fixed(m.nanosecondsPerCall, 2))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
