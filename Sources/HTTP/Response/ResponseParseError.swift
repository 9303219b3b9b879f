/// Why the bytes from a server are not a response this client accepts. The
/// client refuses the response and closes the connection: after a framing
/// it cannot trust, no later byte on it can be trusted either.
public enum ResponseParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No line end within the status line's limit.
    case statusLineTooLong(limit: Int)
    /// The field lines and the empty line after them exceed the limit.
    case headerBlockTooLarge(limit: Int)
    /// More header fields than the limit.
    case tooManyFields(limit: Int)
    /// The status line is not `HTTP/1.x SP 3DIGIT SP reason` (RFC 9112 section 4).
    case malformedStatusLine(String)
    /// A field line breaks RFC 9112 section 5 (obs-fold, whitespace before
    /// the colon, a byte no field may hold).
    case malformedField(String)
    /// A line ended with LF alone or held a lone CR (RFC 9112 section 2.2).
    case malformedLineEnd
    /// The body's length cannot be told for sure (RFC 9112 section 6.3).
    case badFraming(String)

    public var description: String {
        switch self {
        case .statusLineTooLong(let limit): "a status line longer than \(limit) bytes"
        case .headerBlockTooLarge(let limit): "a header block larger than \(limit) bytes"
        case .tooManyFields(let limit): "more than \(limit) header fields"
        case .malformedStatusLine(let why): "a malformed status line: \(why)"
        case .malformedField(let why): "a malformed header field: \(why)"
        case .malformedLineEnd: "a line not ended by CR LF"
        case .badFraming(let why): "ambiguous framing: \(why)"
        }
    }
}
