/// Where in the dialogue something happened, for error messages: each
/// names the command whose reply was awaited.
public enum SMTPStage: String, Hashable, Sendable, CustomStringConvertible {
    case greeting = "greeting"
    case hello = "EHLO"
    case heloFallback = "HELO"
    case startTLS = "STARTTLS"
    case authentication = "AUTH"
    case mailFrom = "MAIL FROM"
    case recipient = "RCPT TO"
    case data = "DATA"
    /// The message sent and the final "." awaiting its reply.
    case endOfData = "end of data"
    case reset = "RSET"
    case verify = "VRFY"
    case quit = "QUIT"

    public var description: String { rawValue }
}
