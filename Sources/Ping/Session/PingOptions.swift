import SocketCore

/// How to ping, in iputils' terms (ping(8)).
public struct PingOptions: Sendable, Equatable {
    /// `-c`: stop after this many replies (or errors); nil for no limit.
    public var count: Int?
    /// `-i`: milliseconds between probes (iputils keeps whole ms; 1000 by
    /// default, 0 with `-f` and no `-i`).
    public var intervalMilliseconds = 1000
    public var intervalIsExplicit = false
    /// `-W`: milliseconds to wait after the last probe when nothing has been
    /// answered (iputils `lingertime`, 10 s).
    public var lingerMilliseconds = 10_000
    /// `-w`: seconds after which the run ends, whatever is in flight.
    public var deadlineSeconds: Int?
    /// `-s`: payload bytes.
    public var payloadSize = 56
    /// `-t`: TTL / hop limit.
    public var hopLimit: Int?
    /// `-p`: the fill pattern.
    public var pattern: [UInt8]?
    public var quiet = false
    /// `-D`: prefix lines with the wall-clock time.
    public var printTimestamps = false
    /// `-n`: never look names up for addresses.
    public var numeric = false
    /// `-I`: an interface name, or a source address.
    public var device: String?
    public var source: IPAddress?
    /// `-f`: flood.
    public var flood = false
    /// `-O`: say when a probe is still unanswered as the next one goes out.
    public var reportOutstanding = false
    public var socketKind = ProbeSocketKind.automatic

    public init() {}

    /// The interval the schedule uses: flood without `-i` sends as soon as
    /// the previous probe is answered (or after 10 ms, iputils `MININTERVAL`).
    public var effectiveIntervalMilliseconds: Int {
        flood && !intervalIsExplicit ? 0 : intervalMilliseconds
    }
}
