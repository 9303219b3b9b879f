/// A message body whose framing is malformed or over a limit: the
/// connection it came on cannot be trusted to carry another message.
public struct FramingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A short phrase for a log.
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
