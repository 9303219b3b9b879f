/// The line iputils ping writes to standard error on SIGQUIT while the run
/// goes on (`status()` in ping_common.c):
/// `\r4/5 packets, 20% loss, min/avg/ewma/max = 0.031/0.045/0.041/0.062 ms`.
/// The loss is whole percent, rounded down (integer division there), and
/// the times appear once a reply carried one.
public enum StatusLine {
    public static func text(_ statistics: PingStatistics, timed: Bool) -> String {
        let s = statistics
        let loss = s.transmitted > 0 ? (s.transmitted - s.received) * 100 / s.transmitted : 0
        var line = "\r\(s.received)/\(s.transmitted) packets, \(loss)% loss"
        // iputils prints times whenever something was received, and so a
        // minimum of LONG_MAX when no reply carried a time; ours waits for one.
        if s.received > 0, timed, let average = s.average {
            line +=
                ", min/avg/ewma/max = \(NumberText.milliseconds(s.minimum))/\(NumberText.milliseconds(average))"
                + "/\(NumberText.milliseconds(s.movingAverage))/\(NumberText.milliseconds(s.maximum)) ms"
        }
        return line + "\n"
    }
}

extension TextReporter {
    /// One line per host; with several, each ends with ` (to HOST)`
    /// before its newline, as the other lines that do not name their host.
    public mutating func reportStatus(_ statistics: PingStatistics, timed: Bool, about host: PingHost?) {
        var line = StatusLine.text(statistics, timed: timed)
        if severalHosts, let host {
            line.insert(contentsOf: " (to \(host.target.name))", at: line.index(before: line.endIndex))
        }
        writeError(line)
    }
}
