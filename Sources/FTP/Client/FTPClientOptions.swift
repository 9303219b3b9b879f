import TLS

/// How a file's bytes travel (RFC 959 section 3.1.1).
public enum FTPTransferType: Sendable {
    /// TYPE I: the bytes as they are.
    case binary
    /// TYPE A: text, lines ended CR LF on the wire and LF locally.
    case ascii
}

/// Which side opens the data connections (RFC 959 section 3.2).
public enum FTPDataMode: Sendable {
    /// The client connects: EPSV (RFC 2428), else PASV.
    case passive
    /// The server connects to the client's listening socket: EPRT, else
    /// PORT.
    case active
}

/// How an `FTPClient` talks to its server.
public struct FTPClientOptions {
    /// The time each command has for its sending and its whole reply (one
    /// deadline for both); during a transfer, each read or write of the
    /// data must make progress within it.
    public var timeout: Duration
    public var dataMode: FTPDataMode
    /// nil: plain FTP. Else AUTH TLS (RFC 4217 section 4), PBSZ 0 and PROT
    /// P, the data connections over TLS resuming the control connection's
    /// session (section 10.2); `resuming` is the client's to set.
    public var tls: TLSClientConfiguration?
    /// Called with each line sent and received, for `-v`; PASS is masked.
    public var transcript: ((FTPTranscriptLine) -> Void)?

    public init(
        timeout: Duration = .seconds(30), dataMode: FTPDataMode = .passive, tls: TLSClientConfiguration? = nil,
        transcript: ((FTPTranscriptLine) -> Void)? = nil
    ) {
        self.timeout = timeout
        self.dataMode = dataMode
        self.tls = tls
        self.transcript = transcript
    }
}

/// One line of the dialogue as the transcript shows it, without its CR LF.
public struct FTPTranscriptLine: Hashable, Sendable, CustomStringConvertible {
    public enum Direction: Hashable, Sendable {
        case sent, received
    }

    public let direction: Direction
    public let text: String

    public init(_ direction: Direction, _ text: String) {
        self.direction = direction
        self.text = text
    }

    /// "C: RETR a.txt" or "S: 150 Opening data connection".
    public var description: String { (direction == .sent ? "C: " : "S: ") + text }
}
