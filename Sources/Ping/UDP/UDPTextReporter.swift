import SocketCore

/// udpping's output for people: the lab's lines per probe (`Reply from
/// ...`, `Request timed out`), and a summary in iputils ping's words
/// (`SummaryText`, as icmpping's) with udpping's own counts and
/// percentiles under it.
public struct UDPTextReporter: UDPPingReporter {
    let quiet: Bool
    let write: (String) -> Void
    let writeError: (String) -> Void
    /// The server's address as the reply lines name it.
    private var from = ""

    public init(
        quiet: Bool, write: @escaping (String) -> Void = { TextOutput.write($0, to: 1) },
        writeError: @escaping (String) -> Void = { TextOutput.write($0, to: 2) }
    ) {
        self.quiet = quiet
        self.write = write
        self.writeError = writeError
    }

    public mutating func report(_ event: UDPPingEvent) {
        switch event {
        case .start(let host, let address):
            from = address.ipAddress?.description ?? "\(address)"
            write("UDPPING \(host) (\(from)) port \(address.port ?? 0)\n")
        case .summary(let summary):
            write(Self.summary(summary))
        case .sendFailed(_, let error):
            guard !quiet else { return }
            writeError("sockworks: send: \(error.message)\n")
        default:
            guard !quiet, let line = line(event) else { return }
            write(line + "\n")
        }
    }

    /// The line of a per-probe event, without its newline.
    func line(_ event: UDPPingEvent) -> String? {
        switch event {
        case .reply(_, let text, let roundTrip):
            return "Reply from \(from): \(text) time=\(NumberText.replyTime(roundTrip)) ms"
        case .timeout:
            return "Request timed out"
        case .late(let sequence, let roundTrip):
            return "Late reply for probe \(sequence) (time=\(NumberText.replyTime(roundTrip)) ms)"
        case .duplicate(let sequence, let roundTrip):
            return "Duplicate reply for probe \(sequence) (time=\(NumberText.replyTime(roundTrip)) ms)"
        case .unmatched(let sequence?, let text, true):
            return "Reply not matching probe \(sequence): \(text)"
        case .unmatched(let sequence?, let text, false):
            return "Reply to unknown probe \(sequence): \(text)"
        case .unmatched(nil, let text, _):
            return "Reply to no probe: \(text)"
        case .unreachable:
            return "Destination port unreachable"
        case .start, .sendFailed, .summary:
            return nil
        }
    }

    /// The statistics block, from the blank line before `---` on.
    public static func summary(_ summary: UDPPingSummary) -> String {
        let s = summary.statistics
        var text = SummaryText.title(host: summary.host, tool: "udpping")
        text += SummaryText.counts(
            transmitted: s.transmitted, received: s.received, additions: [(s.errors, "errors")],
            lossPercent: s.lossPercent, elapsedMilliseconds: summary.elapsedMilliseconds)
        text += "\n"
        if let roundTrips = SummaryText.minimumAverageMaximum(s.roundTrips) { text += roundTrips + "\n" }
        text += "\(s.late) late, \(s.duplicates) duplicates"
        if s.unmatched > 0 { text += ", \(s.unmatched) unmatched" }
        text += "\n"
        if let percentiles = SummaryText.percentiles(s.roundTrips, withJitter: false) { text += percentiles }
        return text
    }
}
