/// The checksum benchmark's text report: throughput, ratios, goals.
public struct ChecksumReport {
    public let results: ChecksumResults
    public let rounds: Int
    public let cpu: String

    public init(results: ChecksumResults, rounds: Int, cpu: String) {
        self.results = results
        self.rounds = rounds
        self.cpu = cpu
    }

    public var text: String {
        let sizes = results.sizes
        let kernels = results.measurements.reduce(into: [ChecksumKernel]()) { list, m in
            if !list.contains(m.kernel) { list.append(m.kernel) }
        }
        var table = TextTable(header: ["GB/s (median of \(rounds))"] + sizes.map(formatSize))
        for kernel in kernels {
            table.add([kernel.description] + sizes.map { size in
                results.measurement(kernel, size).map { fixed($0.gigabytesPerSecond, 2) } ?? "-"
            })
        }

        var ratios = TextTable(header: ["ratio"] + sizes.map(formatSize))
        for (kernel, baseline, label) in [
            (ChecksumKernel.dispatched, ChecksumKernel.readLimit, "dispatched / read limit"),
            (.dispatched, .textbook, "dispatched / textbook"),
            (.dispatched, .path(.scalar), "dispatched / scalar"),
        ] {
            ratios.add([label] + sizes.map { size in
                results.ratio(kernel, over: baseline, at: size).map { fixed($0, 2) } ?? "-"
            })
        }
        var perCall = TextTable(header: ["ns per call"] + sizes.map(formatSize))
        for kernel in kernels {
            perCall.add([kernel.description] + sizes.map { size in
                results.measurement(kernel, size).map { fixed($0.nanosecondsPerCall, 2) } ?? "-"
            })
        }

        var lines = ["Internet checksum, one run on \(cpu)", "", table.render(), "", ratios.render(), "",
                     perCall.render(), ""]
        if sizes.contains(where: { $0 > ChecksumKernel.textbookExactLimit }) {
            lines.append("The textbook loop's 32-bit sum can wrap above 128 KiB (as RFC 1071's own code does):")
            lines.append("it is timed there as a speed baseline, not checked for the right answer.")
            lines.append("")
        }
        lines.append("goals:")
        for goal in results.goals {
            let verdict = goal.met.map { $0 ? "met" : "MISSED" } ?? "not measured"
            let measured = goal.measured.map { fixed($0, 2) } ?? "-"
            lines.append("  \(goal.text): \(measured) (goal \(goal.atLeast ? ">=" : "<=") \(fixed(goal.target, 1))) \(verdict)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
