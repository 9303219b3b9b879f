import SocketCore

/// `--json`: one JSON object per line per event, as icmpping's
/// `JSONReporter` writes them: `"type"` first (`start`, `reply`,
/// `timeout`, `late`, `duplicate`, `unmatched`, `unreachable`,
/// `send_failed`, `summary`), then the wall-clock `"unix_time"`; times in
/// milliseconds with three decimals in keys ending `_ms`, `null` for a
/// figure that does not exist. `-q` keeps `start` and `summary` only.
public struct UDPJSONReporter: UDPPingReporter {
    let quiet: Bool
    let write: (String) -> Void
    let wallClock: () -> (Int, Int)

    public init(
        quiet: Bool, write: @escaping (String) -> Void = { TextOutput.write($0, to: 1) },
        wallClock: @escaping () -> (Int, Int) = TextReporter.now
    ) {
        self.quiet = quiet
        self.write = write
        self.wallClock = wallClock
    }

    public mutating func report(_ event: UDPPingEvent) {
        switch event {
        case .start(let host, let address):
            var line = start("start")
            line.add("host", host)
            line.add("address", address.ipAddress?.description)
            line.add("port", address.port.map(Int.init))
            write(line.line)
        case .summary(let summary):
            write(Self.summary(summary, start: start("summary")))
        default:
            guard !quiet else { return }
            write(perProbe(event))
        }
    }

    private func perProbe(_ event: UDPPingEvent) -> String {
        switch event {
        case .reply(let sequence, let text, let roundTrip):
            var line = start("reply")
            line.add("seq", sequence)
            line.add("text", text)
            line.add("rtt_ms", microsecondsAsMilliseconds: roundTrip)
            return line.line
        case .timeout(let sequence):
            var line = start("timeout")
            line.add("seq", sequence)
            return line.line
        case .late(let sequence, let roundTrip):
            var line = start("late")
            line.add("seq", sequence)
            line.add("rtt_ms", microsecondsAsMilliseconds: roundTrip)
            return line.line
        case .duplicate(let sequence, let roundTrip):
            var line = start("duplicate")
            line.add("seq", sequence)
            line.add("rtt_ms", microsecondsAsMilliseconds: roundTrip)
            return line.line
        case .unmatched(let sequence, let text, let mismatched):
            var line = start("unmatched")
            line.add("seq", sequence)
            line.add("text", text)
            // true: the probe was sent, the reply is not what it carried.
            line.add("mismatched", mismatched)
            return line.line
        case .unreachable(let sequence):
            var line = start("unreachable")
            line.add("seq", sequence)
            return line.line
        case .sendFailed(let sequence, let error):
            var line = start("send_failed")
            line.add("seq", sequence)
            line.add("errno", Int(error.code))
            line.add("message", error.message)
            return line.line
        case .start, .summary:
            return ""
        }
    }

    /// Every figure of the text summary, and the exit status.
    static func summary(_ summary: UDPPingSummary, start: JSONLine) -> String {
        let s = summary.statistics
        var line = start
        line.add("host", summary.host)
        line.add("transmitted", s.transmitted)
        line.add("received", s.received)
        line.add("late", s.late)
        line.add("duplicates", s.duplicates)
        line.add("unmatched", s.unmatched)
        line.add("errors", s.errors)
        line.add("loss_percent", s.lossPercent)
        line.add("time_ms", summary.elapsedMilliseconds)
        let r = s.roundTrips
        let timed = r.count > 0
        line.add("rtt_min_ms", microsecondsAsMilliseconds: timed ? r.minimum : nil)
        line.add("rtt_avg_ms", microsecondsAsMilliseconds: r.average)
        line.add("rtt_max_ms", microsecondsAsMilliseconds: timed ? r.maximum : nil)
        line.add("rtt_mdev_ms", microsecondsAsMilliseconds: r.meanDeviation)
        let ranks = r.percentiles([50, 90, 99])
        line.add("rtt_p50_ms", microsecondsAsMilliseconds: ranks?[0])
        line.add("rtt_p90_ms", microsecondsAsMilliseconds: ranks?[1])
        line.add("rtt_p99_ms", microsecondsAsMilliseconds: ranks?[2])
        line.add("exit_status", Int(summary.exitStatus))
        return line.line
    }

    private func start(_ type: String) -> JSONLine {
        var line = JSONLine()
        line.add("type", type)
        let (seconds, micros) = wallClock()
        line.addRaw("unix_time", "\(seconds).\(NumberText.padded(micros, 6))")
        return line
    }
}
