/// How an `SMTPClient` talks to its server.
public struct SMTPClientOptions {
    /// The time each command has for its sending and its whole reply (one
    /// deadline for both), the greeting too. RFC 5321 section 4.5.3.2
    /// suggests 5 minutes for most, a long wait for a command-line program
    /// whose server has gone quiet.
    public var timeout: Duration
    /// The time the server has to answer the end of the data: it may scan
    /// or deliver the message first, so RFC 5321 section 4.5.3.2.6 suggests
    /// 10 minutes. nil: ten times `timeout`, at most 10 minutes.
    public var endOfDataTimeout: Duration?
    /// The name given in EHLO and HELO: the client's host name, or an
    /// address literal such as "[127.0.0.1]" (section 4.1.1.1).
    public var heloName: String
    /// Called with each line sent and received, for `-v`; AUTH's secrets
    /// are masked.
    public var transcript: ((SMTPTranscriptLine) -> Void)?

    public init(
        timeout: Duration = .seconds(30), endOfDataTimeout: Duration? = nil, heloName: String,
        transcript: ((SMTPTranscriptLine) -> Void)? = nil
    ) {
        self.timeout = timeout
        self.endOfDataTimeout = endOfDataTimeout
        self.heloName = heloName
        self.transcript = transcript
    }

    /// The wait for the reply to the end of the data.
    var effectiveEndOfDataTimeout: Duration {
        endOfDataTimeout ?? max(timeout, min(timeout * 10, .seconds(600)))
    }
}

/// One line of the dialogue as the transcript shows it, without its CR LF.
public struct SMTPTranscriptLine: Hashable, Sendable, CustomStringConvertible {
    public enum Direction: Hashable, Sendable {
        case sent, received
    }

    public let direction: Direction
    public let text: String

    public init(_ direction: Direction, _ text: String) {
        self.direction = direction
        self.text = text
    }

    /// "C: MAIL FROM:<a@example.org>" or "S: 250 OK".
    public var description: String { (direction == .sent ? "C: " : "S: ") + text }
}
