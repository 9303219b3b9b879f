/// A reporter that passes the run's events on to `inner` and keeps, for
/// each host, what a wire capture is checked against: each probe sent (its
/// data rebuilt from the run's payload and the send stamp) and each reply
/// reported, in the order they happened, and when the run ended. Events
/// go to the record of their host's index, so a host given twice has two
/// records. It holds back the run's `finished` event until `conclude` has
/// reported the capture's verdicts.
public struct CaptureRecorder<Inner: PingReporter>: PingReporter {
    public var inner: Inner
    /// One per host, in the order of the run's hosts.
    public private(set) var records: [ToolRecord]
    private let payload: EchoPayload
    private var end: RunEnd?

    /// `targets`: the run's hosts, in its order.
    public init(_ inner: Inner, payload: EchoPayload, targets: [PingTarget]) {
        self.inner = inner
        self.payload = payload
        records = targets.map { ToolRecord(target: $0) }
    }

    /// Probes the run reported sent, over every host.
    public var sentCount: Int { records.reduce(0) { $0 + $1.sentCount } }
    /// Replies the run counted, over every host.
    public var countedReplies: Int { records.reduce(0) { $0 + $1.countedReplies } }

    public mutating func report(_ event: PingEvent, about host: PingHost?) {
        switch event {
        case .sent(let sequence, let sentAt):
            // In place: a flood appends here once per probe.
            if let host {
                records[host.index].events.append(.sent(sequence: sequence, payload: payload.bytes(sentAt: sentAt)))
            }
        case .reply(let reply):
            if let host {
                records[host.index].events.append(
                    .reply(
                        ToolReply(
                            sequence: reply.reply.sequence, payload: reply.data, kind: reply.kind,
                            roundTripMicroseconds: reply.roundTrip)))
            }
        case .summary:
            // The capture's clock: pcap stamps packets with the real-time clock.
            if let host { records[host.index].endedAt = Clocks.realTime() }
        case .finished(let end):
            self.end = end
            return
        default:
            break
        }
        inner.report(event, about: host)
    }

    /// The wire is checked for the data each reply carried.
    public static var keepsReplyData: Bool { true }
    /// Every probe and reply is recorded, shown or not.
    public var showsEachProbe: Bool { true }

    /// SIGQUIT's counts go straight through: a capture does not change them.
    public mutating func reportStatus(_ statistics: PingStatistics, timed: Bool, about host: PingHost?) {
        inner.reportStatus(statistics, timed: timed, about: host)
    }

    /// Reports each host's verification (`verifications[k]` is host k's),
    /// then the run's end, with exit status 1 when `verify` and the wire
    /// disagrees for any host; returns the exit status.
    public mutating func conclude(_ verifications: [WireVerification], verify: Bool) -> Int32 {
        precondition(verifications.count == records.count, "one verification per host")
        for (index, verification) in verifications.enumerated() {
            inner.report(.capture(verification), about: records[index].target.map { PingHost(index, $0) })
        }
        var end = end ?? RunEnd(summaries: [], exitStatus: 1)
        if verify && !verifications.allSatisfy(\.agrees) { end.exitStatus = 1 }
        inner.report(.finished(end))
        return end.exitStatus
    }
}

/// What a run reported, for `WireVerification`.
public struct ToolRecord: Sendable, Equatable {
    public var events: [ToolEvent] = []
    /// When the run stopped reading replies, in real-time nanoseconds.
    public var endedAt: Int64?
    /// The host pinged.
    public var target: PingTarget?

    public init(events: [ToolEvent] = [], endedAt: Int64? = nil, target: PingTarget? = nil) {
        self.events = events
        self.endedAt = endedAt
        self.target = target
    }

    public var sentCount: Int { events.count { if case .sent = $0 { true } else { false } } }
    /// Replies the run counted: new ones and duplicates, not corrupted ones.
    public var countedReplies: Int {
        events.count { if case .reply(let reply) = $0 { reply.kind != .corrupted } else { false } }
    }
}

public enum ToolEvent: Sendable, Equatable {
    case sent(sequence: UInt16, payload: [UInt8])
    case reply(ToolReply)
}

/// A reply as the run reported it.
public struct ToolReply: Sendable, Equatable {
    public var sequence: UInt16
    /// The echo data as the run parsed it.
    public var payload: [UInt8]
    public var kind: PingStatistics.ReplyKind
    public var roundTripMicroseconds: Int?

    public init(sequence: UInt16, payload: [UInt8], kind: PingStatistics.ReplyKind, roundTripMicroseconds: Int?) {
        self.sequence = sequence
        self.payload = payload
        self.kind = kind
        self.roundTripMicroseconds = roundTripMicroseconds
    }
}
