/// How the web server treats its clients: the limits and timeouts that keep
/// one hostile or slow peer from holding more than its share.
public struct HTTPServerOptions: Sendable {
    /// The request line and header block limits (414, 431).
    public var limits = RequestLimits()
    /// How long a request's header may take to arrive, from its first byte
    /// (or from the connection's start, for the first request): a slowloris
    /// peer that sends a byte now and then gets `408` and is closed.
    public var headerTimeout: Duration = .seconds(10)
    /// How long a persistent connection may sit idle between requests.
    public var keepAliveTimeout: Duration = .seconds(15)
    /// How long a response may wait for the peer to take its next part: a
    /// peer that stops reading is closed after this, however large the file.
    public var sendTimeout: Duration = .seconds(60)
    /// How long a connection the server is closing keeps reading (and
    /// discarding) what the peer still sends, so that the peer reads the
    /// final response before the close rather than a reset (RFC 9112
    /// section 9.6).
    public var lingerTimeout: Duration = .seconds(2)
    /// Requests served on one connection before the server closes it (nil:
    /// no limit).
    public var maxRequestsPerConnection: Int?
    /// The largest request body the server reads and throws away to keep a
    /// connection (a static server wants no body); a larger declared one
    /// gets `413` and the connection closed.
    public var maxDiscardedBody: Int64 = 1 << 20
    /// The `Server` field's value.
    public var serverName = "sockworks"

    public init() {}
}
