/// A reporter that passes the run's events on to `inner` and keeps what a
/// wire capture is checked against: each probe sent (its data rebuilt from
/// the run's payload and the send stamp) and each reply reported, in the
/// order they happened, and when the run ended. It holds back the run's
/// `finished` event until `conclude` has reported the capture's verdict.
public struct CaptureRecorder<Inner: PingReporter>: PingReporter {
    public var inner: Inner
    public private(set) var record = ToolRecord()
    private let payload: EchoPayload
    private var end: RunEnd?

    public init(_ inner: Inner, payload: EchoPayload) {
        self.inner = inner
        self.payload = payload
    }

    public mutating func report(_ event: PingEvent, about target: PingTarget?) {
        switch event {
        case .sent(let sequence, let sentAt):
            record.events.append(.sent(sequence: sequence, payload: payload.bytes(sentAt: sentAt)))
        case .reply(let reply):
            record.events.append(.reply(ToolReply(sequence: reply.reply.sequence, payload: reply.reply.payload,
                                                  kind: reply.kind, roundTripMicroseconds: reply.roundTrip)))
        case .summary(let summary):
            // The capture's clock: pcap stamps packets with the real-time clock.
            record.endedAt = Clocks.realTime()
            record.target = summary.target
        case .finished(let end):
            self.end = end
            return
        default:
            break
        }
        inner.report(event, about: target)
    }

    /// Reports `verification`, then the run's end, with exit status 1 when
    /// `verify` and the wire disagrees; returns the exit status.
    public mutating func conclude(_ verification: WireVerification, verify: Bool) -> Int32 {
        inner.report(.capture(verification), about: record.target)
        var end = end ?? RunEnd(summaries: [], exitStatus: 1)
        if verify && !verification.agrees { end.exitStatus = 1 }
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

    public init(events: [ToolEvent] = [], endedAt: Int64? = nil) {
        self.events = events
        self.endedAt = endedAt
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
