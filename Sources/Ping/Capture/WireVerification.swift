/// The run's report held against the wire: each probe the run says it
/// sent must be on the wire as sent, each reply it counted must be on the
/// wire with a valid checksum and the data the run parsed; the wire's own
/// round trips (capture time stamps) against the run's give the time the
/// run itself adds.
public struct WireVerification: Sendable, Equatable {
    /// Probes the run reported sent, and those seen on the wire intact.
    public var requestsSent = 0
    public var requestsSeen = 0
    /// Replies the run counted (new and duplicate), and those seen intact.
    public var repliesCounted = 0
    public var repliesSeen = 0
    /// Our packets on the wire with a bad ICMP or IPv4 header checksum.
    public var badChecksums = 0
    /// Request-to-reply time on the wire, in ns, per reply seen.
    public var wireRoundTrips: [Int64] = []
    /// The run's round trip minus the wire's, in ns, per timed reply.
    public var overheads: [Int64] = []
    /// One line each, the words of every disagreement.
    public var disagreements: [String] = []

    /// True when nothing the run reported disagrees with the wire.
    public var agrees: Bool { disagreements.isEmpty }

    public init() {}

    /// Matches in the order the run reported: a probe's request is the
    /// first unmatched one on the wire with its sequence number (so
    /// numbers reused after 65536 probes match in turn), a reply the first
    /// unmatched wire reply with its sequence number and data.
    public static func check(_ tool: ToolRecord, against wire: WireLog) -> WireVerification {
        var result = WireVerification()
        // First, as they explain the lines after them.
        if wire.dropped > 0 {
            result.disagreements.append("the kernel dropped \(wire.dropped) packets before the capture read them")
        }
        if let failure = wire.failure {
            result.disagreements.append("the capture failed: \(failure)")
        }
        var requests = Queues()
        var replies = Queues()
        for (index, echo) in wire.echoes.enumerated() {
            if echo.isReply { replies.add(index, echo.sequence) } else { requests.add(index, echo.sequence) }
            if !echo.checksumIsValid || !echo.headerChecksumIsValid { result.badChecksums += 1 }
        }
        var requestTime: [UInt16: Int64] = [:]

        for event in tool.events {
            switch event {
            case .sent(let sequence, let payload):
                result.requestsSent += 1
                guard let index = requests.take(sequence, where: { _ in true }) else {
                    result.disagree(sequence, "request reported sent, not seen on the wire")
                    continue
                }
                let echo = wire.echoes[index]
                requestTime[sequence] = echo.timestamp
                if let problem = problem(of: echo, expected: payload) {
                    result.disagree(sequence, "request on the wire: \(problem)")
                } else {
                    result.requestsSeen += 1
                }
            case .reply(let reply):
                let counted = reply.kind != .corrupted
                if counted { result.repliesCounted += 1 }
                let index = replies.take(reply.sequence) { wire.echoes[$0].payload == reply.payload }
                guard let index else {
                    let other = replies.take(reply.sequence) { _ in true }
                    result.disagree(
                        reply.sequence,
                        other == nil
                            ? "reply reported, not seen on the wire"
                            : "reply reported with other data than the one on the wire")
                    continue
                }
                let echo = wire.echoes[index]
                if counted {
                    if let problem = problem(of: echo, expected: reply.payload) {
                        result.disagree(reply.sequence, "reply counted, but on the wire: \(problem)")
                        continue
                    }
                    result.repliesSeen += 1
                    if let sent = requestTime[reply.sequence], echo.timestamp >= sent {
                        let onWire = echo.timestamp - sent
                        result.wireRoundTrips.append(onWire)
                        if let tool = reply.roundTripMicroseconds {
                            result.overheads.append(Int64(tool) * 1000 - onWire)
                        }
                    }
                } else if echo.checksumIsValid && echo.headerChecksumIsValid && !echo.isFragment {
                    result.disagree(reply.sequence, "reply reported with a bad checksum, valid on the wire")
                }
            }
        }

        for index in requests.left {
            result.disagree(wire.echoes[index].sequence, "request on the wire, never reported sent")
        }
        let end = tool.endedAt ?? .max
        for index in replies.left {
            let echo = wire.echoes[index]
            // Only a reply the run could have read, and should have
            // counted: one with a bad checksum is rightly left out (a ping
            // socket's kernel drops it unseen).
            guard echo.timestamp < end, echo.checksumIsValid, echo.headerChecksumIsValid else { continue }
            result.disagree(
                echo.sequence,
                "reply on the wire \(milliseconds(end - echo.timestamp)) ms before the run ended, not reported")
        }
        return result
    }

    /// What is wrong with an echo on the wire, or nil when it is intact.
    private static func problem(of echo: WireEcho, expected payload: [UInt8]) -> String? {
        if echo.isFragment { return "fragmented, not reassembled, so not checked" }
        if !echo.headerChecksumIsValid { return "bad IPv4 header checksum" }
        if !echo.checksumIsValid { return "bad ICMP checksum" }
        if echo.payload != payload { return "other data than was sent" }
        return nil
    }

    private mutating func disagree(_ sequence: UInt16, _ words: String) {
        disagreements.append("icmp_seq=\(sequence): \(words)")
    }

    /// The summary line, then one line per disagreement (at most `limit`,
    /// then how many more), each starting `capture: ` and ending with
    /// `ending` (` (to HOST)` when several hosts are pinged) and a newline.
    public func text(limit: Int = 10, ending: String = "") -> String {
        var line =
            "capture: \(requestsSeen)/\(requestsSent) requests and \(repliesSeen)/\(repliesCounted) replies"
            + " on the wire, " + (badChecksums == 0 ? "checksums valid" : "\(badChecksums) bad checksums")
        if let wire = averageWireRoundTrip {
            line += "; wire RTT avg \(Self.milliseconds(wire)) ms"
            if let overhead = averageOverhead { line += ", tool overhead avg \(Self.milliseconds(overhead)) ms" }
        }
        var lines = [line]
        lines += disagreements.prefix(limit).map { "capture: \($0)" }
        if disagreements.count > limit {
            lines.append("capture: and \(disagreements.count - limit) more disagreements")
        }
        return lines.map { $0 + ending + "\n" }.joined()
    }

    /// The mean wire round trip, in ns; nil when no reply was matched.
    public var averageWireRoundTrip: Int64? { Self.average(wireRoundTrips) }
    /// The mean tool overhead, in ns; nil when no timed reply was matched.
    public var averageOverhead: Int64? { Self.average(overheads) }

    private static func average(_ values: [Int64]) -> Int64? {
        values.isEmpty ? nil : values.reduce(0, +) / Int64(values.count)
    }

    /// ns as ms with three decimals, truncated toward zero like the run's
    /// own figures.
    static func milliseconds(_ nanoseconds: Int64) -> String {
        NumberText.signedMilliseconds(Int(nanoseconds / 1000))
    }
}

/// Wire echoes by sequence number, each taken once, in capture order.
private struct Queues {
    private var bySequence: [UInt16: [Int]] = [:]

    mutating func add(_ index: Int, _ sequence: UInt16) { bySequence[sequence, default: []].append(index) }

    /// Removes and returns the first index for `sequence` that passes `test`.
    mutating func take(_ sequence: UInt16, where test: (Int) -> Bool) -> Int? {
        guard let list = bySequence[sequence], let position = list.firstIndex(where: test) else { return nil }
        bySequence[sequence]!.remove(at: position)
        return list[position]
    }

    /// What was never taken, in capture order.
    var left: [Int] { bySequence.values.flatMap { $0 }.sorted() }
}
