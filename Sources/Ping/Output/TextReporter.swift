import Glibc
import SocketCore

/// Output in iputils ping 20221126's words and layout, byte for byte
/// (`ping.c`, `ping6_common.c`, `ping_common.c`), plus one line of our own
/// under the summary: percentiles and jitter.
///
/// With several hosts, a line that does not name the host it is about (an
/// ICMP error names the router that sent it; `no answer yet`; a reply from
/// a different address) ends with ` (to HOST)`, and the run ends with
/// fping's per-host lines on standard error.
public struct TextReporter: PingReporter {
    let options: PingOptions
    let severalHosts: Bool
    let write: (String) -> Void
    let writeError: (String) -> Void
    /// The program name on standard error lines.
    let program: String
    /// The wall clock for `-D`, as (seconds, microseconds).
    let wallClock: () -> (Int, Int)

    public init(
        options: PingOptions, severalHosts: Bool = false, program: String = "icmpping",
        write: @escaping (String) -> Void = { TextOutput.write($0, to: 1) },
        writeError: @escaping (String) -> Void = { TextOutput.write($0, to: 2) },
        wallClock: @escaping () -> (Int, Int) = TextReporter.now
    ) {
        self.options = options
        self.severalHosts = severalHosts
        self.program = program
        self.write = write
        self.writeError = writeError
        self.wallClock = wallClock
    }

    /// `-q` shows no line per probe or reply.
    public var showsEachProbe: Bool { !options.quiet }

    public static func now() -> (Int, Int) {
        let nanoseconds = Clocks.realTime()
        return (Int(nanoseconds / 1_000_000_000), Int(nanoseconds % 1_000_000_000) / 1000)
    }

    private var stamp: String {
        guard options.printTimestamps else { return "" }
        let (seconds, micros) = wallClock()
        return "[\(seconds).\(NumberText.padded(micros, 6))] "
    }

    /// ` (to HOST)` when several hosts are pinged, before the newline.
    private func to(_ target: PingTarget?) -> String {
        guard severalHosts, let target else { return "" }
        return " (to \(target.name))"
    }

    public mutating func report(_ event: PingEvent, about host: PingHost?) {
        let target = host?.target
        switch event {
        case .pattern(let bytes):
            if !options.quiet {
                write("PATTERN: 0x" + bytes.map { NumberText.padded(Int($0), 2, hex: true) }.joined() + "\n")
            }
        case .header(let target, let options, let source):
            write(Self.header(target, options, source: source))
        case .sent:
            if options.flood && !options.quiet { write(".") }
        case .sendFailed(_, let error):
            guard !options.quiet else { return }
            if options.flood { write("E") } else { writeError("\(program): sendmsg: \(error.message)\(to(target))\n") }
        case .outstanding(let sequence):
            write("\(stamp)no answer yet for icmp_seq=\(sequence)\(to(target))\n")
        case .reply(let event):
            guard !options.quiet else { return }
            if options.flood {
                write(event.kind == .corrupted ? "\u{8}C" : "\u{8} \u{8}")
            } else {
                var line = Self.replyLine(event, payloadSize: options.payloadSize)
                if event.differentAddress, severalHosts {
                    line.insert(contentsOf: to(target), at: line.index(before: line.endIndex))
                }
                write(stamp + line)
            }
        case .error(let report, let from):
            guard !options.quiet else { return }
            let text = ICMPErrorText.describe(
                version: report.version,
                type: report.type, code: report.code, info: report.info)
            if report.isNotice {
                if !options.flood {
                    write("\(stamp)From \(from ?? "?"): icmp_seq=\(report.sequence) \(text)\(to(target))\n")
                }
            } else if options.flood {
                write("\u{8}E")
            } else {
                write("\(stamp)From \(from ?? "?") icmp_seq=\(report.sequence) \(text)\(to(target))\n")
            }
        case .localError(let error):
            guard !options.quiet else { return }
            if options.flood {
                write("E")
                return
            }
            if error.errorCode == UInt32(EMSGSIZE) {
                writeError("\(program): local error: message too long, mtu=\(error.info)\(to(target))\n")
            } else {
                let message = errnoMessage(Int32(bitPattern: error.errorCode))
                writeError("\(program): local error: \(message)\(to(target))\n")
            }
        case .summary(let summary):
            write(Self.summary(summary))
        case .capture(let verification):
            write(verification.text(ending: to(target)))
        case .finished(let end):
            // fping prints a blank line first unless -q.
            guard severalHosts else { return }
            writeError((options.quiet ? "" : "\n") + FpingSummary.lines(end.summaries))
        }
    }

    /// `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.` (IPv4) or
    /// `PING ::1(::1) 56 data bytes` (IPv6).
    public static func header(_ target: PingTarget, _ options: PingOptions, source: IPAddress?) -> String {
        let from =
            options.device != nil || options.source != nil
            ? "from \(source.map(\.description) ?? "") \(options.device ?? ""): " : ""
        if case .v4 = target.address {
            let total = options.payloadSize + 8 + 20
            return "PING \(target.name) (\(target.address)) \(from)\(options.payloadSize)(\(total)) bytes of data.\n"
        }
        return "PING \(target.name)(\(target.displayedAddress)) \(from)\(options.payloadSize) data bytes\n"
    }

    /// `64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.041 ms` and its
    /// marks, newline included.
    public static func replyLine(_ event: ReplyEvent, payloadSize: Int) -> String {
        var line = "\(event.reply.icmpLength) bytes from \(event.from): icmp_seq=\(event.reply.sequence)"
        if let hops = event.reply.hopLimit, hops >= 0 { line += " ttl=\(hops)" }
        if event.truncated { return line + " (truncated)\n" }
        if let roundTrip = event.roundTrip { line += " time=\(NumberText.replyTime(roundTrip)) ms" }
        if event.kind == .duplicate { line += " (DUP!)" }
        if event.kind == .corrupted { line += " (BAD CHECKSUM!)" }
        if event.differentAddress { line += " (DIFFERENT ADDRESS!)" }
        if let wrongData = event.wrongData { line += wrongData }
        return line + "\n"
    }

    /// The statistics block, from the blank line before `---` on.
    public static func summary(_ summary: PingSummary) -> String {
        let s = summary.statistics
        var text = SummaryText.title(host: summary.target.name, tool: "ping")
        text += SummaryText.counts(
            transmitted: s.transmitted, received: s.received,
            additions: [(s.duplicates, "duplicates"), (s.corrupted, "corrupted"), (s.errors, "errors")],
            lossPercent: s.lossPercent, elapsedMilliseconds: summary.elapsedMilliseconds)
        text += "\n"
        var comma = ""
        let timed = s.received > 0 && summary.timed && !s.samples.isEmpty
        if timed, let roundTrips = SummaryText.minimumAverageMaximum(s.roundTrips) {
            text += roundTrips
            comma = ", "
        }
        if s.pipeSize > 1 {
            text += "\(comma)pipe \(s.pipeSize)"
            comma = ", "
        }
        if s.received > 0, summary.intervalMilliseconds == 0 || summary.flood, s.transmitted > 1 {
            let gap = Int(summary.elapsedNanoseconds / 1000) / (s.transmitted - 1)
            let average = s.movingAverage
            text += "\(comma)ipg/ewma \(NumberText.milliseconds(gap))/\(NumberText.milliseconds(average)) ms"
        }
        text += "\n"
        if timed, let percentiles = SummaryText.percentiles(s.roundTrips, withJitter: true) {
            text += percentiles
        }
        return text
    }
}
