/// What ends a line for `BufferedReader.readLine(maxLength:ending:deadline:)`.
public enum LineEnding: Sendable, Hashable {
    /// CR LF only, as the Internet's text protocols send (RFC 5321 2.3.8,
    /// RFC 9112 2.2). A bare CR or a bare LF is part of the line returned:
    /// whether to accept or refuse one is the protocol's business.
    case crlf
    /// LF, with a CR before it dropped: for protocols that tolerate a bare
    /// LF (RFC 9112 2.2 allows an HTTP recipient to). A CR elsewhere is part
    /// of the line.
    case lf
}
