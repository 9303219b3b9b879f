import SocketCore

/// Something that happened during a run, for a `PingReporter` to show.
///
/// The events of a run's start and end are `indirect` (boxed): they happen
/// once per host, and inline they would make every event as large as the
/// options or the summary they carry, copied for each probe and reply.
public enum PingEvent: Sendable {
    /// `-p`: the pattern in use (printed before the header, as iputils does).
    case pattern([UInt8])
    /// The `PING host (address) 56(84) bytes of data.` line.
    indirect case header(PingTarget, PingOptions, source: IPAddress?)
    /// A probe went out, stamped `sentAt` (monotonic ns): with the run's
    /// `EchoPayload`, what its data was (`bytes(sentAt:)`), for a capture to
    /// find on the wire.
    case sent(sequence: UInt16, sentAt: Int64)
    /// A probe could not be sent.
    case sendFailed(sequence: UInt16, SocketError)
    /// `-O`: probe `sequence` is still unanswered as the next one goes out.
    case outstanding(sequence: UInt16)
    case reply(ReplyEvent)
    case error(ErrorReport, from: String?)
    /// An error the kernel raised itself (`local error: ...`).
    case localError(ExtendedError)
    indirect case summary(PingSummary)
    /// `--capture` / `--verify`: the run's report held against a capture of
    /// the wire, after the summaries and before `finished`.
    indirect case capture(WireVerification)
    /// The run is over: every host's summary, and the exit status.
    case finished(RunEnd)
}

/// A reply, with what the run made of it.
public struct ReplyEvent: Sendable {
    public var reply: EchoReply
    /// The sender as printed: `127.0.0.1`, or `localhost (127.0.0.1)`.
    public var from: String
    public var kind: PingStatistics.ReplyKind
    /// Round trip in µs; nil when the payload carried no valid send time.
    public var roundTrip: Int?
    public var truncated: Bool
    public var differentAddress: Bool
    public var wrongData: String?
    /// The echo data, for a reporter that keeps it (`keepsReplyData`);
    /// empty for the others, which spares a flood an array per reply.
    public var data: [UInt8] = []
}

/// The end of a run.
public struct PingSummary: Sendable {
    public var target: PingTarget
    public var statistics: PingStatistics
    /// From the first probe to the last one sent, in ms (iputils `time`).
    public var elapsedMilliseconds: Int
    /// Nanoseconds, for `ipg`.
    public var elapsedNanoseconds: Int64
    public var timed: Bool
    public var intervalMilliseconds: Int
    public var flood: Bool
    public var exitStatus: Int32
}

/// The end of a whole run, over every host pinged.
public struct RunEnd: Sendable {
    /// One per host, in the order the hosts were given.
    public var summaries: [PingSummary]
    public var exitStatus: Int32

    public init(summaries: [PingSummary], exitStatus: Int32) {
        self.summaries = summaries
        self.exitStatus = exitStatus
    }
}

/// The host an event is about: its place among the hosts of the run and
/// the target. The same host may be given twice (`127.0.0.1 127.0.0.1`),
/// two runs with equal targets: only `index` tells their events apart.
public struct PingHost: Sendable {
    /// 0 for the first host on the command line, and so on.
    public var index: Int
    public var target: PingTarget

    public init(_ index: Int, _ target: PingTarget) {
        self.index = index
        self.target = target
    }
}

/// Shows events (text as iputils prints it, JSON lines ...).
public protocol PingReporter {
    /// `host` is the host the event is about; nil for what concerns the
    /// run as a whole (`pattern`, `finished`).
    mutating func report(_ event: PingEvent, about host: PingHost?)
    /// Shows the counts so far of `host`, asked for while the run goes on
    /// (SIGQUIT).
    mutating func reportStatus(_ statistics: PingStatistics, timed: Bool, about host: PingHost?)
    /// Whether replies should carry their echo data (`ReplyEvent.data`).
    static var keepsReplyData: Bool { get }
    /// Whether `.sent` and `.reply` events are shown at all. A quiet
    /// reporter (`-q`) says no, and a flood is spared making two events per
    /// probe that nothing would show; the counts are kept all the same.
    var showsEachProbe: Bool { get }
}

extension PingReporter {
    /// An event of the run as a whole.
    public mutating func report(_ event: PingEvent) { report(event, about: nil) }
    /// A reporter without a status line shows nothing.
    public mutating func reportStatus(_ statistics: PingStatistics, timed: Bool, about host: PingHost?) {}
    /// Lines of text or JSON need only the reply's numbers.
    public static var keepsReplyData: Bool { false }
    public var showsEachProbe: Bool { true }
}
