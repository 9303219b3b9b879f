/// The checksum benchmark's text report: throughput, ratios, goals.
public struct ChecksumReport {
    public let results: ChecksumResults
    public let rounds: Int
    public let cpu: String
    /// The measured core clock, to read nanoseconds as cycles; 0 if unknown.
    public let coreGHz: Double

    public init(results: ChecksumResults, rounds: Int, cpu: String, coreGHz: Double = 0) {
        self.results = results
        self.rounds = rounds
        self.cpu = cpu
        self.coreGHz = coreGHz
    }

    public var text: String {
        let sizes = results.sizes
        let kernels = results.measurements.reduce(into: [ChecksumKernel]()) { list, m in
            if !list.contains(m.kernel) { list.append(m.kernel) }
        }
        var table = TextTable(header: ["GB/s (median of \(rounds))"] + sizes.map(formatSize))
        for kernel in kernels where kernel != .callFloor {
            table.add(
                [kernel.description]
                    + sizes.map { size in
                        results.measurement(kernel, size).map { fixed($0.gigabytesPerSecond, 2) } ?? "-"
                    })
        }

        var ratios = TextTable(header: ["ratio"] + sizes.map(formatSize))
        for (kernel, baseline, label) in [
            (ChecksumKernel.dispatched, ChecksumKernel.readLimit, "dispatched / read limit"),
            (.dispatched, .textbook, "dispatched / textbook"),
            (.dispatched, .textbookScalar, "dispatched / textbook, not vectorized"),
            (.dispatched, .path(.scalar), "dispatched / scalar"),
        ] {
            ratios.add(
                [label]
                    + sizes.map { size in
                        results.ratio(kernel, over: baseline, at: size).map { fixed($0, 2) } ?? "-"
                    })
        }
        var perCall = TextTable(header: ["ns per call"] + sizes.map(formatSize))
        for kernel in kernels {
            perCall.add(
                [kernel.description]
                    + sizes.map { size in
                        results.measurement(kernel, size).map { fixed($0.nanosecondsPerCall, 2) } ?? "-"
                    })
        }

        let clock = coreGHz > 0 ? ", core clock measured at \(fixed(coreGHz, 2)) GHz" : ""
        var lines = [
            "Internet checksum, one run on \(cpu)\(clock)", "", table.render(), "", ratios.render(), "",
            perCall.render(), "",
        ]
        if coreGHz > 0, let small = results.measurement(.dispatched, 64),
            let floor = results.measurement(.callFloor, 64)
        {
            lines.append(
                "At 64 B: dispatched \(fixed(small.nanosecondsPerCall * coreGHz, 1)) cycles per call, "
                    + "of which an empty call costs \(fixed(floor.nanosecondsPerCall * coreGHz, 1)).")
            lines.append("")
        }
        if sizes.contains(where: { $0 > ChecksumKernel.textbookExactLimit }) {
            lines.append("The textbook loop's 32-bit sum can wrap above 128 KiB (as RFC 1071's own code does):")
            lines.append("it is timed there as a speed baseline, not checked for the right answer.")
            lines.append("")
        }
        lines.append("goals:")
        for goal in results.goals {
            let verdict = goal.met.map { $0 ? "met" : "MISSED" } ?? "not measured"
            let measured = goal.measured.map { fixed($0, 3) } ?? "-"
            lines.append(
                "  \(goal.text): \(measured) (goal \(goal.atLeast ? ">=" : "<=") \(fixed(goal.target, 1))) \(verdict)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
