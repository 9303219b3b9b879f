/// Why a server's reply was refused by `SMTPReplyParser`: a phrase for an
/// error message ("a line without a reply code").
public struct MalformedSMTPReply: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
