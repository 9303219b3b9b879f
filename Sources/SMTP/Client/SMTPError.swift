import Streams

/// Why a dialogue with an SMTP server failed: one case per kind of failure a
/// client must tell apart, each carrying the server's reply where one came.
/// The description is one line naming the stage, the code and the text:
/// "MAIL FROM refused: 553 5.1.8 sender address rejected".
public enum SMTPError: Error, CustomStringConvertible {
    /// The server closed the connection while a reply was awaited.
    case serverDisconnected(SMTPStage)
    /// A reply broke RFC 5321's syntax (see `SMTPReplyParser`).
    case malformedReply(SMTPStage, reason: String)
    /// A well-formed reply that the command does not allow there: a 354 to
    /// RCPT, a 250 where a 334 was awaited.
    case unexpectedReply(SMTPStage, SMTPReply)
    /// The greeting was not 220: a 554 "no service here", a 421.
    case greetingRefused(SMTPReply)
    /// EHLO and then HELO were refused (the reply to the last sent).
    case heloRefused(SMTPReply)
    case senderRefused(SMTPReply)
    /// Every recipient was refused, so no data was sent.
    case recipientsRefused([SMTPRefusedRecipient])
    /// DATA was refused (no message sent).
    case dataRefused(SMTPReply)
    /// The message was sent and refused at its end.
    case messageRefused(SMTPReply)
    /// The message is larger than the SIZE the server announced (RFC 1870).
    case messageTooLarge(size: Int, limit: Int)
    /// Reading or writing the connection failed.
    case connection(SMTPStage, StreamError)
    /// 421 to a command: the server is closing the connection (RFC 5321
    /// section 3.8), whatever the command was.
    case serviceClosing(SMTPStage, SMTPReply)
    /// The server did not answer within the timeout.
    case timedOut(SMTPStage)
    /// STARTTLS was asked for and the server does not offer it: the client
    /// stops rather than go on in the clear (no stripping).
    case startTLSNotOffered
    case startTLSRefused(SMTPReply)
    /// Bytes came after the 220 to STARTTLS, before any handshake: they
    /// would be taken as sent under TLS (CVE-2011-0411).
    case startTLSInjection(bytes: Int)
    /// The TLS upgrade failed; its error's description.
    case tlsFailed(String)
    /// None of the mechanisms the client speaks is offered (or not the one
    /// asked for); the server's list.
    case authUnavailable(offered: [String])
    case authRefused(SMTPReply)
    case verifyRefused(SMTPReply)
    /// The message body could not be produced (a file that cannot be
    /// read); the message was not ended, so it is not delivered.
    case bodyFailed(String)
    /// A command after an earlier error left the dialogue in doubt (a
    /// broken connection, a malformed reply, a 421), or after `quit()`.
    case unusable(SMTPStage)
    /// An argument that cannot be sent as it is (an address with a line
    /// break, one longer than RFC 5321 section 4.5.3.1 allows); nothing was
    /// sent for it.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .serverDisconnected(let stage): "the server closed the connection (\(stage))"
        case .malformedReply(let stage, let reason): "malformed reply to \(stage): \(reason)"
        case .unexpectedReply(let stage, let reply): "unexpected reply to \(stage): \(reply)"
        case .greetingRefused(let reply): "the server refused the connection: \(reply)"
        case .heloRefused(let reply): "EHLO and HELO refused: \(reply)"
        case .senderRefused(let reply): "MAIL FROM refused: \(reply)"
        case .recipientsRefused(let refused):
            "every recipient refused: " + refused.map(\.description).joined(separator: "; ")
        case .dataRefused(let reply): "DATA refused: \(reply)"
        case .messageRefused(let reply): "message refused after the data: \(reply)"
        case .messageTooLarge(let size, let limit):
            "the message is \(size) octets, larger than the server's SIZE limit of \(limit)"
        case .connection(let stage, let error): "connection failed (\(stage)): \(error)"
        case .serviceClosing(let stage, let reply): "the server is closing the connection (\(stage)): \(reply)"
        case .timedOut(let stage): "timed out waiting for the reply to \(stage)"
        case .startTLSNotOffered: "the server does not offer STARTTLS"
        case .startTLSRefused(let reply): "STARTTLS refused: \(reply)"
        case .startTLSInjection(let bytes):
            "the server sent \(bytes) bytes after its 220 to STARTTLS, before the TLS handshake"
        case .tlsFailed(let reason): "TLS failed: \(reason)"
        case .authUnavailable(let offered):
            offered.isEmpty
                ? "the server offers no AUTH"
                : "the server offers no usable AUTH mechanism (it offers "
                    + offered.joined(separator: " ") + ")"
        case .authRefused(let reply): "AUTH refused: \(reply)"
        case .verifyRefused(let reply): "VRFY refused: \(reply)"
        case .bodyFailed(let reason): "the message could not be written: \(reason)"
        case .unusable(let stage): "\(stage) not sent: the dialogue ended after an earlier failure"
        case .invalidArgument(let reason): reason
        }
    }

    /// The server's reply the error carries, if any.
    public var reply: SMTPReply? {
        switch self {
        case .unexpectedReply(_, let reply), .serviceClosing(_, let reply), .greetingRefused(let reply),
            .heloRefused(let reply),
            .senderRefused(let reply), .dataRefused(let reply), .messageRefused(let reply),
            .startTLSRefused(let reply), .authRefused(let reply), .verifyRefused(let reply):
            reply
        default: nil
        }
    }
}
