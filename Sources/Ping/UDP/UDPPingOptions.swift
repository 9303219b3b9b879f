/// How to run udpping.
public struct UDPPingOptions: Sendable, Equatable {
    /// `-c`: probes to send.
    public var count = 10
    /// `-i`: nanoseconds between probes; 0 floods (the next probe goes as
    /// soon as the previous one is answered or timed out).
    public var intervalNanoseconds: Int64 = 1_000_000_000
    /// `-W`: nanoseconds to wait for each probe's reply.
    public var timeoutNanoseconds: Int64 = 1_000_000_000
    /// `-s`: pad each probe to this many bytes (0: the text alone).
    public var size = 0
    /// `-q`: no line per probe, only the summary.
    public var quiet = false

    public init() {}
}
