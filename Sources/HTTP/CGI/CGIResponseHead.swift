/// The header a script writes before its body (RFC 3875 section 6), as
/// the server answers the client with it.
struct CGIResponseHead: Equatable {
    /// From the Status field (section 6.3.3), else 200 for a document and
    /// 302 for a client redirect.
    var status: HTTPStatus
    /// The reason phrase the script gave with its Status, if any.
    var reason: String?
    var contentType: String?
    var location: String?
    /// The script's Content-Length, when it gave one.
    var contentLength: Int64?
    /// Every other field, as `Name: value\r\n` lines to pass on, in the
    /// order the script wrote them; without the hop-by-hop fields
    /// (Connection, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade,
    /// Proxy-Connection), which are the server's framing of its own
    /// connection (RFC 9110 section 7.6.1), and Date and Server, which the
    /// server writes.
    var fieldLines: [UInt8]
    var kind: Kind

    /// The response forms of section 6.2.
    enum Kind: Equatable {
        /// A document (section 6.2.1): Content-Type given, or a Status
        /// whose response has no content (204, 304).
        case document
        /// Location is a path of this server and the script said nothing
        /// else (section 6.2.2): the server answers as if the client had
        /// asked for `path` (which may carry a query).
        case localRedirect(path: String)
        /// Location is an absolute URI (section 6.2.3 and 6.2.4), or a
        /// path given with a Status: the client is sent there, with 302
        /// unless Status says otherwise.
        case clientRedirect
    }
}
