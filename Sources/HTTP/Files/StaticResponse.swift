import SocketCore

/// What a response carries after its head: nothing, bytes made for it, or a
/// range of an open file (sent with sendfile(2)).
public enum StaticBody: Sendable {
    case empty
    case bytes([UInt8])
    case file(OpenFile, offset: Int64, count: Int64)
}

/// A response of the static site, for the session to send: the status, the
/// entity's header lines, and the body.
public struct StaticResponse: Sendable {
    public var status: HTTPStatus
    /// The entity's header lines, each "Name: value\r\n", ready to send:
    /// Content-Type, Last-Modified, ETag, Accept-Ranges, Content-Range,
    /// Location, Allow... (not Date, Server, Content-Length or Connection,
    /// which the session writes). For a cached file these bytes are made
    /// once, when the file enters the cache, and shared (an array, copied on
    /// write only).
    public var fieldLines: [UInt8]
    /// The body a GET gets, for HEAD too: the session drops it for HEAD, and
    /// writes `Content-Length` from `contentLength` for both (RFC 9110
    /// section 9.3.2). Empty for a 304.
    public var body: StaticBody
    /// The body's length.
    public var contentLength: Int64

    public init(status: HTTPStatus, fieldLines: [UInt8], body: StaticBody, contentLength: Int64) {
        self.status = status
        self.fieldLines = fieldLines
        self.body = body
        self.contentLength = contentLength
    }

    /// A small HTML page that names `status` (code and reason, escaped, and
    /// nothing of the request), with `Content-Type: text/html` and then
    /// `extraFieldLines` (each "Name: value\r\n"). The session answers its
    /// own errors with it too (400, 405, 408, 413, 414, 431, 501, 505).
    public static func error(_ status: HTTPStatus, extraFieldLines: [UInt8] = []) -> StaticResponse {
        let page = Array(ErrorPage.html(for: status).utf8)
        return StaticResponse(
            status: status, fieldLines: ErrorPage.contentTypeLine + extraFieldLines, body: .bytes(page),
            contentLength: Int64(page.count))
    }
}

/// The error pages' text.
enum ErrorPage {
    static let contentTypeLine = Array("Content-Type: text/html; charset=utf-8\r\n".utf8)

    static func html(for status: HTTPStatus) -> String {
        let title = HTMLText.escaped(status.description)
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><h1>\(title)</h1></body></html>

            """
    }
}
