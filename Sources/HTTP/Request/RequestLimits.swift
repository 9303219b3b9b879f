/// The bounds a request head must stay within; past them the server
/// answers `414` (request line) or `431` (field block) rather than buffer
/// without end.
public struct RequestLimits: Sendable {
    /// The request line's bytes, without its CRLF.
    public var maxRequestLine = 8192
    /// The field block's bytes: every field line with its CRLF.
    public var maxHeaderBytes = 32768
    /// The number of field lines.
    public var maxFields = 100

    public init() {}
}
