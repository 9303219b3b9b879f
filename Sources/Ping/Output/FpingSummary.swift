import Glibc

/// The per-host lines fping prints at the end of a `-c` run (fping 5.x
/// `print_per_system_stats`, on standard error), so that scripts that parse
/// fping parse ours:
/// `127.0.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.032/0.047/0.057`.
/// Names are padded to the longest; the loss is a whole percent rounded
/// down; min/avg/max are left out when no round trip was measured.
public enum FpingSummary {
    public static func lines(_ summaries: [PingSummary]) -> String {
        // Bytes, as printf's `%-*s` counts them.
        let width = summaries.map(\.target.typedName.utf8.count).max() ?? 0
        return summaries.map { summary in
            let s = summary.statistics
            let name = summary.target.typedName
            var line = name + String(repeating: " ", count: width - name.utf8.count) + " :"
            let loss = s.transmitted > 0 ? (s.transmitted - s.received) * 100 / s.transmitted : 0
            line += " xmt/rcv/%loss = \(s.transmitted)/\(s.received)/\(loss)%"
            if s.received > 0, summary.timed, let average = s.average {
                line += ", min/avg/max = \(time(s.minimum))/\(time(average))/\(time(s.maximum))"
            }
            return line + "\n"
        }.joined()
    }

    /// fping's `sprint_tm`: three decimals below 1 ms, two below 10, one
    /// below 100, none above (printf rounding).
    static func time(_ microseconds: Int) -> String {
        let milliseconds = Double(microseconds) / 1000
        let format =
            milliseconds < 1
            ? "%.3f"
            : milliseconds < 10
                ? "%.2f"
                : milliseconds < 100
                    ? "%.1f"
                    : milliseconds < 1_000_000 ? "%.0f" : "%.3e"
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([milliseconds]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return String(nulTerminated: buffer)
    }
}
