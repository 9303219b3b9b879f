/// What arrived from the peer, in order: data with the commands and
/// negotiations taken out, and the rest.
public enum TelnetEvent: Hashable, Sendable {
    /// Data bytes (IAC IAC as one 255, CR NUL as a CR unless the peer sends
    /// BINARY).
    case data([UInt8])
    /// A command that is neither a negotiation nor a subnegotiation: NOP,
    /// GA, AYT, DM, ... (RFC 854).
    case command(TelnetCommand)
    /// An option became enabled or disabled on one side.
    case optionChanged(TelnetOption, TelnetSide, enabled: Bool)
    /// A whole subnegotiation (RFC 855): the option and the parameters
    /// between it and IAC SE, IAC IAC undone.
    case subnegotiation(TelnetOption, [UInt8])
    /// The peer broke the protocol; what it sent is dropped and the session
    /// goes on.
    case violation(TelnetViolation)
}

/// How the peer broke the protocol.
public enum TelnetViolation: Hashable, Sendable, CustomStringConvertible {
    /// A subnegotiation longer than the limit: it is discarded (the
    /// unbounded buffers of CVE-2005-0469 and CVE-2026-32746).
    case subnegotiationTooLong(TelnetOption, limit: Int)
    /// A subnegotiation that never ended with IAC SE: another command came
    /// first, or too many bytes without one. It is discarded and what
    /// follows read as usual.
    case subnegotiationUnterminated(TelnetOption)
    /// IAC SB IAC SE: a subnegotiation with no option.
    case subnegotiationWithoutOption
    /// The peer answered our DONT or WONT with WILL or DO (RFC 1143 section
    /// 7, "DONT answered by WILL").
    case refusalAnsweredByYes(TelnetOption, TelnetSide)

    public var description: String {
        switch self {
        case .subnegotiationTooLong(let option, let limit):
            "a subnegotiation of \(option) longer than \(limit) bytes, discarded"
        case .subnegotiationUnterminated(let option): "a subnegotiation of \(option) without IAC SE, discarded"
        case .subnegotiationWithoutOption: "a subnegotiation without an option"
        case .refusalAnsweredByYes(let option, let side): "\(option) (\(side)) turned off, answered by yes"
        }
    }
}
