/// How a request's body is delimited (RFC 9112 section 6.3).
public enum BodyFraming: Sendable, Equatable {
    /// No body: neither Content-Length nor Transfer-Encoding.
    case none
    /// A body of exactly this many bytes (Content-Length).
    case length(Int64)
    /// A chunked body (Transfer-Encoding: chunked), read with `ChunkedDecoder`.
    case chunked
}

/// A request's line and header fields, checked, with what the server
/// needs from them already worked out.
public struct RequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request-target exactly as sent.
    public var target: String
    public var version: HTTPVersion
    public var fields: HTTPFields
    public var body: BodyFraming
    /// The one Host field's value, nil when absent (allowed in HTTP/1.0 only).
    public var host: String?
    /// Whether the connection stays open after the response (RFC 9112
    /// section 9.3): on 1.1 unless Connection has `close`, on 1.0 only with
    /// `keep-alive`.
    public var persists: Bool

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion, fields: HTTPFields, body: BodyFraming,
        host: String?, persists: Bool
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.fields = fields
        self.body = body
        self.host = host
        self.persists = persists
    }
}
