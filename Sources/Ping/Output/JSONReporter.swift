import Glibc
import SocketCore

/// `--json`: one JSON object per line per event (JSON Lines), for
/// programs rather than people. Every object starts with `"type"` and the
/// wall-clock `"unix_time"` (seconds, six decimals); those about a host
/// carry `"host"` (the name as the text output shows it) and `"address"`.
/// Times are milliseconds with three decimals (whole µs, as measured) in
/// keys ending `_ms`; a figure that does not exist (no round trip, one
/// sample for jitter) is `null`, never a made-up zero. The README lists
/// every type and key.
///
/// Events the text output has no line for are left out (`sent`,
/// `pattern`: the pattern is a key of `start`). `-q` keeps `start`,
/// `summary` and `end` only, as it keeps the header and summary in text.
public struct JSONReporter: PingReporter {
    let options: PingOptions
    let write: (String) -> Void
    let wallClock: () -> (Int, Int)

    public init(
        options: PingOptions, write: @escaping (String) -> Void = { TextOutput.write($0, to: 1) },
        wallClock: @escaping () -> (Int, Int) = TextReporter.now
    ) {
        self.options = options
        self.write = write
        self.wallClock = wallClock
    }

    /// `-q` shows no line per probe or reply.
    public var showsEachProbe: Bool { !options.quiet }

    public mutating func report(_ event: PingEvent, about host: PingHost?) {
        let target = host?.target
        switch event {
        case .pattern, .sent:
            return
        case .header(let target, let options, let source):
            var line = start("start", target)
            line.add("payload_bytes", options.payloadSize)
            line.add("packet_bytes", options.payloadSize + 8 + ProbeFamily.of(target.address).ipHeaderLength)
            line.add("source", source?.description)
            line.add("interface", options.device)
            line.add("pattern", options.pattern.map { $0.map { NumberText.padded(Int($0), 2, hex: true) }.joined() })
            write(line.line)
        case .sendFailed(let sequence, let error):
            guard !options.quiet else { return }
            var line = start("send_failed", target)
            line.add("seq", Int(sequence))
            line.add("errno", Int(error.code))
            line.add("message", error.message)
            write(line.line)
        case .outstanding(let sequence):
            var line = start("outstanding", target)
            line.add("seq", Int(sequence))
            write(line.line)
        case .reply(let event):
            guard !options.quiet else { return }
            write(Self.reply(event, start: start("reply", target)))
        case .error(let report, _):
            guard !options.quiet else { return }
            var line = start("error", target)
            line.add("seq", Int(report.sequence))
            line.add("from", report.sender?.description)
            line.add("icmp_type", Int(report.type))
            line.add("icmp_code", Int(report.code))
            line.add(
                "message",
                ICMPErrorText.describe(
                    version: report.version, type: report.type,
                    code: report.code, info: report.info))
            // Redirects and source quenches are shown, not counted (iputils).
            line.add("counted", !report.isNotice)
            write(line.line)
        case .localError(let error):
            guard !options.quiet else { return }
            var line = start("local_error", target)
            line.add("errno", Int(error.errorCode))
            line.add(
                "message",
                error.errorCode == UInt32(EMSGSIZE)
                    ? "message too long, mtu=\(error.info)"
                    : errnoMessage(Int32(bitPattern: error.errorCode)))
            write(line.line)
        case .summary(let summary):
            write(Self.summary(summary, start: start("summary", summary.target)))
        case .capture(let verification):
            write(Self.capture(verification, start: start("capture", target)))
        case .finished(let end):
            var line = start("end", nil)
            line.add("hosts", end.summaries.count)
            line.add("hosts_answered", end.summaries.filter { $0.exitStatus == 0 }.count)
            line.add("exit_status", Int(end.exitStatus))
            write(line.line)
        }
    }

    /// SIGQUIT: a `status` object per host with the counts so far, the
    /// figures of iputils' status line (`-q` keeps it, as text does).
    public mutating func reportStatus(_ statistics: PingStatistics, timed: Bool, about host: PingHost?) {
        let s = statistics
        let hasTimes = timed && s.received > 0 && !s.samples.isEmpty
        var line = start("status", host?.target)
        line.add("transmitted", s.transmitted)
        line.add("received", s.received)
        line.add("loss_percent", s.lossPercent)
        line.add("rtt_min_ms", microsecondsAsMilliseconds: hasTimes ? s.minimum : nil)
        line.add("rtt_avg_ms", microsecondsAsMilliseconds: hasTimes ? s.average : nil)
        line.add("ewma_ms", microsecondsAsMilliseconds: hasTimes ? s.movingAverage : nil)
        line.add("rtt_max_ms", microsecondsAsMilliseconds: hasTimes ? s.maximum : nil)
        write(line.line)
    }

    /// The keys every line starts with.
    private func start(_ type: String, _ target: PingTarget?) -> JSONLine {
        var line = JSONLine()
        line.add("type", type)
        let (seconds, micros) = wallClock()
        line.addRaw("unix_time", "\(seconds).\(NumberText.padded(micros, 6))")
        if let target {
            line.add("host", target.name)
            line.add("address", target.address.description)
        }
        return line
    }

    static func reply(_ event: ReplyEvent, start: JSONLine) -> String {
        var line = start
        line.add("from", event.reply.sender.description)
        line.add("seq", Int(event.reply.sequence))
        line.add("bytes", event.reply.icmpLength)
        line.add("ttl", event.reply.hopLimit.flatMap { $0 >= 0 ? $0 : nil })
        // Known even for a truncated reply when its timestamp arrived whole
        // (the text line omits it, as iputils does; the summary counts it).
        line.add("rtt_ms", microsecondsAsMilliseconds: event.roundTrip)
        line.add("duplicate", event.kind == .duplicate)
        line.add("corrupted", event.kind == .corrupted)
        line.add("truncated", event.truncated)
        line.add("different_address", event.differentAddress)
        // iputils' report without its leading newline: the byte, then rows.
        line.add("wrong_data", event.wrongData.map { String($0.drop { $0 == "\n" }) })
        return line.line
    }

    /// The counts of `--capture` / `--verify`, the wire's averages, and
    /// every disagreement in words (none when `agrees`).
    static func capture(_ verification: WireVerification, start: JSONLine) -> String {
        var line = start
        line.add("requests_sent", verification.requestsSent)
        line.add("requests_on_wire", verification.requestsSeen)
        line.add("replies_counted", verification.repliesCounted)
        line.add("replies_on_wire", verification.repliesSeen)
        line.add("bad_checksums", verification.badChecksums)
        line.add(
            "wire_rtt_avg_ms", microsecondsAsMilliseconds: verification.averageWireRoundTrip.map { Int($0 / 1000) })
        line.add(
            "tool_overhead_avg_ms",
            microsecondsAsMilliseconds: verification.averageOverhead.map { Int($0 / 1000) })
        line.add("agrees", verification.agrees)
        line.addRaw("disagreements", "[" + verification.disagreements.map(JSONLine.quoted).joined(separator: ",") + "]")
        return line.line
    }

    /// Every figure of the text summary, and the host's exit status.
    static func summary(_ summary: PingSummary, start: JSONLine) -> String {
        let s = summary.statistics
        let timed = s.received > 0 && summary.timed && !s.samples.isEmpty
        var line = start
        line.add("transmitted", s.transmitted)
        line.add("received", s.received)
        line.add("duplicates", s.duplicates)
        line.add("corrupted", s.corrupted)
        line.add("errors", s.errors)
        line.add("loss_percent", s.lossPercent)
        line.add("time_ms", summary.elapsedMilliseconds)
        line.add("rtt_min_ms", microsecondsAsMilliseconds: timed ? s.minimum : nil)
        line.add("rtt_avg_ms", microsecondsAsMilliseconds: timed ? s.average : nil)
        line.add("rtt_max_ms", microsecondsAsMilliseconds: timed ? s.maximum : nil)
        line.add("rtt_mdev_ms", microsecondsAsMilliseconds: timed ? s.meanDeviation : nil)
        // One selection for the three (a flood keeps every round trip).
        let ranks = timed ? s.percentiles([50, 90, 99]) : nil
        line.add("rtt_p50_ms", microsecondsAsMilliseconds: ranks?[0])
        line.add("rtt_p90_ms", microsecondsAsMilliseconds: ranks?[1])
        line.add("rtt_p99_ms", microsecondsAsMilliseconds: ranks?[2])
        line.add("jitter_ms", microsecondsAsMilliseconds: timed ? s.jitter : nil)
        line.add("ewma_ms", microsecondsAsMilliseconds: timed ? s.movingAverage : nil)
        // iputils' `ipg`: the mean gap between probes sent.
        line.add(
            "ipg_ms",
            microsecondsAsMilliseconds: s.transmitted > 1
                ? Int(summary.elapsedNanoseconds / 1000) / (s.transmitted - 1) : nil)
        // iputils' `pipe`: the most probes seen in flight at once.
        line.add("pipe", max(s.pipeSize, 0))
        line.add("exit_status", Int(summary.exitStatus))
        return line.line
    }
}
