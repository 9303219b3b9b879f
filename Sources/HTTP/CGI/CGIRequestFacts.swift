/// What a script's meta-variables are made from: the request and the
/// connection it came on, as the session knows them.
struct CGIRequestFacts {
    var method: HTTPMethod
    var version: HTTPVersion
    var target: CGITarget
    /// The request's header fields.
    var fields: HTTPFields
    /// The body's length, nil without a body; for a chunked body, its
    /// decoded length (the script reads CONTENT_LENGTH bytes, RFC 3875
    /// section 4.1.2, and is never given chunks).
    var contentLength: Int64?
    /// The static site's root, for PATH_TRANSLATED.
    var documentRoot: String
    /// The Host field without its port, else the local address.
    var serverName: String
    var serverPort: UInt16
    var remoteAddress: String
    var remotePort: UInt16
    /// `sockworks/VERSION`.
    var serverSoftware: String
    /// The server's own PATH, the one variable of its environment a script
    /// is given; `CGIEnvironment.defaultPath` when nil.
    var path: String?
}
