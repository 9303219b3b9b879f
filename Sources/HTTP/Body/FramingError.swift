/// A message body whose framing is malformed or over a limit: the
/// connection it came on cannot be trusted to carry another message.
public struct FramingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A short phrase for a log.
    public var reason: String
    /// The body is well framed so far but over the reader's limit (a `413`,
    /// not a `400`).
    public var isOverLimit: Bool

    public init(_ reason: String, isOverLimit: Bool = false) {
        self.reason = reason
        self.isOverLimit = isOverLimit
    }

    public var description: String { reason }
}
