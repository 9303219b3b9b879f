/// The MIME tree of a message, by what it holds (RFC 2046 §5.1, RFC 2387):
///
/// - text alone: one `text/plain` part;
/// - text and HTML: `multipart/alternative` of the two, plainest first;
/// - inline images: `multipart/related` of that alternative (the root,
///   first) and the images it refers to by `cid:`;
/// - attachments: `multipart/mixed` of all of the above, first, and the
///   attachments.
indirect enum MessagePart {
    case text(TextBody, subtype: String)
    case file(FilePart)
    case multipart(subtype: String, boundary: String, parameters: [String], parts: [MessagePart])

    init(_ content: MailContent) {
        var body = MessagePart.text(content.text, subtype: "plain")
        if let html = content.html {
            body = .multipart(
                subtype: "alternative", boundary: Self.newBoundary(), parameters: [],
                parts: [body, .text(html, subtype: "html")])
            if !content.inline.isEmpty {
                body = .multipart(
                    subtype: "related", boundary: Self.newBoundary(), parameters: ["type=\"multipart/alternative\""],
                    parts: [body] + content.inline.map { .file($0) })
            }
        }
        if !content.attachments.isEmpty {
            body = .multipart(
                subtype: "mixed", boundary: Self.newBoundary(), parameters: [],
                parts: [body] + content.attachments.map { .file($0) })
        }
        self = body
    }

    /// A random boundary holding `=_`, which neither base64 nor
    /// quoted-printable ever writes, and which a 7bit body is never let
    /// hold (`TextScan`): no body line can be taken for a delimiter
    /// (RFC 2046 §5.1.1).
    static func newBoundary() -> String { "=_sw" + RandomToken.hex(bytes: 12) }
}
