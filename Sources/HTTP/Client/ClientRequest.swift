/// A request to send: method, URL, header fields and an optional body.
///
/// `Host` and, with a body, `Content-Length` are written by the client;
/// `User-Agent` and `Accept` too unless the fields give their own.
public struct ClientRequest: Sendable {
    public var method: HTTPMethod
    public var url: HTTPURL
    public var fields: HTTPFields
    /// The content, sent with its `Content-Length`; nil for none (a GET).
    public var body: [UInt8]?

    public init(method: HTTPMethod = .get, url: HTTPURL, fields: HTTPFields = HTTPFields(), body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.fields = fields
        self.body = body
    }

    /// Throws when a field or the method could not be sent as they are:
    /// the client never writes a request the server would have to refuse.
    public func validate() throws(HTTPClientError) {
        guard FieldSyntax.isToken(method.description.utf8) else {
            throw .invalidRequest("\(String(reflecting: method.description)) is not a method name")
        }
        for field in fields {
            guard FieldSyntax.isToken(field.name.utf8) else {
                throw .invalidRequest("\(String(reflecting: field.name)) is not a field name")
            }
            guard FieldSyntax.isFieldValue(field.value.utf8) else {
                throw .invalidRequest("the value of \(field.name) holds a control character or outer whitespace")
            }
            // The client frames the body itself: a field of the caller's
            // that said otherwise would desynchronize the connection.
            let name = field.name.lowercased()
            guard name != "content-length" && name != "transfer-encoding" else {
                throw .invalidRequest("\(field.name) is set by the client from the body")
            }
        }
    }

    /// Whether the method is idempotent (RFC 9110 section 9.2.2), so that
    /// the request may be sent again when a reused connection turns out
    /// to have been closed before the server answered.
    var isIdempotent: Bool {
        switch method {
        case .get, .head, .put, .delete, .options, .trace: true
        default: false
        }
    }
}
