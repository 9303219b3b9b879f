import Streams

/// Why a dialogue with an FTP server failed: one case per kind of failure a
/// caller must tell apart, each carrying the server's reply where one came.
/// The description is one line naming the command, the code and the text:
/// "RETR refused: 550 No such file".
public enum FTPError: Error, CustomStringConvertible {
    /// An argument with a CR, LF or NUL (it would end the command early and
    /// start one of its own), or one that cannot be sent; nothing was sent.
    case invalidArgument(String)
    /// No connection to the server: the name did not resolve, or no
    /// address accepted.
    case cannotConnect(String)
    /// The server closed the control connection while a reply was awaited.
    case serverDisconnected(FTPStage)
    /// A reply broke RFC 959's syntax (see `FTPReplyParser`), or one of
    /// the replies read for their content (227, 229, 257, 213) did.
    case malformedReply(FTPStage, reason: String)
    /// A 4yz or 5yz to the command.
    case refused(FTPStage, FTPReply)
    /// A well-formed reply the command does not allow there.
    case unexpectedReply(FTPStage, FTPReply)
    /// USER or PASS was refused (the reply to the last sent).
    case loginRefused(FTPReply)
    /// 421: the server is closing the connection (RFC 959 section 4.2),
    /// whatever the command was.
    case serviceClosing(FTPStage, FTPReply)
    /// The server did not answer, or the data did not move, within the
    /// timeout.
    case timedOut(FTPStage)
    /// Reading or writing the control connection failed.
    case connection(FTPStage, StreamError)
    /// AUTH TLS, or a data connection's handshake, failed; why.
    case tlsFailed(String)
    /// The server does not offer what was asked for (MLSD, an IPv6 data
    /// connection without EPSV).
    case unsupported(String)
    /// The data connection could not be made, or broke.
    case dataConnectionFailed(String)
    /// The data moved, or began to, and the transfer's last reply was not
    /// 226 or 250 (a 426 when the server's side broke off).
    case transferFailed(FTPStage, FTPReply)
    /// The caller's block or source threw; its error's description.
    case localFailure(String)
    /// A command after an earlier error left the dialogue in doubt, or
    /// after `quit()`.
    case unusable(FTPStage)

    public var description: String {
        switch self {
        case .invalidArgument(let reason): reason
        case .cannotConnect(let reason): "cannot connect: \(reason)"
        case .serverDisconnected(let stage): "the server closed the connection (\(stage))"
        case .malformedReply(let stage, let reason): "malformed reply to \(stage): \(reason)"
        case .refused(let stage, let reply): "\(stage) refused: \(reply)"
        case .unexpectedReply(let stage, let reply): "unexpected reply to \(stage): \(reply)"
        case .loginRefused(let reply): "login refused: \(reply)"
        case .serviceClosing(let stage, let reply): "the server is closing the connection (\(stage)): \(reply)"
        case .timedOut(let stage): "timed out (\(stage))"
        case .connection(let stage, let error): "connection failed (\(stage)): \(error)"
        case .tlsFailed(let reason): "TLS failed: \(reason)"
        case .unsupported(let reason): reason
        case .dataConnectionFailed(let reason): "data connection failed: \(reason)"
        case .transferFailed(let stage, let reply): "\(stage) failed: \(reply)"
        case .localFailure(let reason): reason
        case .unusable(let stage): "\(stage) not sent: the connection ended after an earlier failure"
        }
    }

    /// The server's reply the error carries, if any.
    public var reply: FTPReply? {
        switch self {
        case .refused(_, let reply), .unexpectedReply(_, let reply), .loginRefused(let reply),
            .serviceClosing(_, let reply), .transferFailed(_, let reply):
            reply
        default: nil
        }
    }
}
