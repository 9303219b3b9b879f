/// A response whose body has been read to its end: its head, its trailer
/// fields, how long the body was and which URL answered.
public struct ClientResponse: Sendable, Equatable {
    public var head: ResponseHead
    /// The fields after a chunked body (RFC 9112 section 7.1.2); empty otherwise.
    public var trailers: HTTPFields
    public var bodyBytes: Int64
    /// The URL that gave this response: the last one after redirects.
    public var url: HTTPURL
    /// How many redirects were followed to get here.
    public var redirects: Int

    public var status: HTTPStatus { head.status }
    public var fields: HTTPFields { head.fields }
}
