/// The head of a response: its status line and header fields (RFC 9112
/// section 4 and 5).
public struct ResponseHead: Sendable, Equatable {
    public var version: HTTPVersion
    public var status: HTTPStatus
    public var fields: HTTPFields

    public init(version: HTTPVersion, status: HTTPStatus, fields: HTTPFields) {
        self.version = version
        self.status = status
        self.fields = fields
    }

    /// An interim response (RFC 9110 section 15.2), such as `100 Continue`,
    /// that the final response follows on the same connection.
    public var isInterim: Bool { (100..<200).contains(status.code) }

    /// Whether the server keeps the connection open after this response
    /// (RFC 9112 section 9.3): `close` ends it on any version, and an
    /// HTTP/1.0 server keeps it only when it says `keep-alive`.
    public var keepsConnection: Bool {
        if fields.hasToken("close", in: "connection") { return false }
        return version.persistsByDefault || fields.hasToken("keep-alive", in: "connection")
    }
}
