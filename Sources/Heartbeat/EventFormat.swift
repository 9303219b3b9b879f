import Servers

/// How the monitor writes its events: a line of text each, or (`--json`)
/// one JSON object each, for scripts.
public enum EventFormat: Sendable {
    case text
    case json

    /// `event` as one line, newline included.
    public func render(_ event: HeartbeatEvent) -> String {
        switch self {
        case .text: EventText.line(event)
        case .json: EventJSON.line(event)
        }
    }
}

/// `[1764612345.123456] client alpha heartbeat 3, delay 0.081 ms`: the
/// wall time in brackets (as ping -D prints it), the client, the event.
enum EventText {
    static func line(_ event: HeartbeatEvent) -> String {
        "[\(event.time.text)] client \(event.client) " + details(event.kind) + "\n"
    }

    private static func details(_ kind: HeartbeatEvent.Kind) -> String {
        switch kind {
        case .heartbeat(let sequence, let delay):
            "heartbeat \(sequence), delay \(DecimalText.milliseconds(delay)) ms"
        case .lost(let sequences):
            sequences.count == 1
                ? "lost \(sequences.lowerBound)"
                : "lost \(sequences.lowerBound)-\(sequences.upperBound) (\(sequences.count))"
        case .duplicate(let sequence):
            "duplicate \(sequence)"
        case .reordered(let sequence, let delay):
            "reordered \(sequence) (reported lost before), delay \(DecimalText.milliseconds(delay)) ms"
        case .restarted(let sequence, let after):
            "restarted (sequence back to \(sequence) after \(after))"
        case .stopped(let last, let silence, _):
            "stopped: nothing for \(DecimalText.seconds(silence.wholeMicroseconds)) s after heartbeat \(last)"
        case .summary(let summary):
            "summary: received \(summary.received), lost \(summary.lost) (\(percent(summary.lossPercent))), "
                + "duplicates \(summary.duplicates), reordered \(summary.reordered), "
                + "restarts \(summary.restarts), stopped \(summary.stops)"
        }
    }

    /// `0%`, `33.33%`: two decimals at most.
    static func percent(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        if hundredths % 100 == 0 { return "\(hundredths / 100)%" }
        return "\(hundredths / 100)." + DecimalText.padded(Int(hundredths % 100), 2) + "%"
    }
}

/// `{"event":"heartbeat","client":"alpha","unix_time":1764612345.123456,...}`.
///
/// Every object has `event`, `client`, `address` and `unix_time` first;
/// then `seq` (for `lost`: `seqs`, the list of the missing numbers, with
/// `count`), and what the event adds: `delay_ms` for `heartbeat` and
/// `reordered`, `after` for `restarted`, `silent_s` and `dead_after_s` for
/// `stopped`, the counts for `summary`.
enum EventJSON {
    /// A gap's `seqs` list is cut at this many numbers (`count` still says
    /// how many): a datagram claiming heartbeat 10^18 must not make a line
    /// of exabytes.
    static let maximumListed = 4096

    static func line(_ event: HeartbeatEvent) -> String {
        var json = JSONText()
        json.add("event", event.name)
        json.add("client", event.client)
        json.add("address", event.address.description)
        json.addRaw("unix_time", event.time.text)
        switch event.kind {
        case .heartbeat(let sequence, let delay):
            json.add("seq", sequence)
            json.addRaw("delay_ms", DecimalText.milliseconds(delay))
        case .lost(let sequences):
            let listed = sequences.prefix(maximumListed)
            json.addRaw("seqs", "[" + listed.map { String($0) }.joined(separator: ",") + "]")
            json.add("count", UInt64(sequences.count))
        case .duplicate(let sequence):
            json.add("seq", sequence)
        case .reordered(let sequence, let delay):
            json.add("seq", sequence)
            json.addRaw("delay_ms", DecimalText.milliseconds(delay))
        case .restarted(let sequence, let after):
            json.add("seq", sequence)
            json.add("after", after)
        case .stopped(let last, let silence, let deadAfter):
            json.add("seq", last)
            json.addRaw("silent_s", DecimalText.seconds(silence.wholeMicroseconds))
            json.addRaw("dead_after_s", DecimalText.seconds(deadAfter.wholeMicroseconds))
        case .summary(let summary):
            json.add("received", summary.received)
            json.add("lost", summary.lost)
            json.addRaw("loss_percent", String(EventText.percent(summary.lossPercent).dropLast()))
            json.add("duplicates", summary.duplicates)
            json.add("reordered", summary.reordered)
            json.add("restarts", summary.restarts)
            json.add("stopped", summary.stops)
        }
        return json.object + "\n"
    }
}

extension Duration {
    /// Whole microseconds, truncated toward zero.
    var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
