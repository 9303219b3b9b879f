/// A Telnet option code (RFC 855; the registry is IANA's "Telnet Options").
public struct TelnetOption: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Binary transmission (RFC 856): no CR LF or CR NUL rules on the data.
    public static let binary = TelnetOption(rawValue: 0)
    /// Echo (RFC 857): the side that performs it echoes what it receives.
    public static let echo = TelnetOption(rawValue: 1)
    /// Suppress Go Ahead (RFC 858).
    public static let suppressGoAhead = TelnetOption(rawValue: 3)
    /// Status (RFC 859).
    public static let status = TelnetOption(rawValue: 5)
    /// Timing mark (RFC 860).
    public static let timingMark = TelnetOption(rawValue: 6)
    /// Terminal type (RFC 1091).
    public static let terminalType = TelnetOption(rawValue: 24)
    /// Negotiate About Window Size (RFC 1073).
    public static let windowSize = TelnetOption(rawValue: 31)
    /// Terminal speed (RFC 1079).
    public static let terminalSpeed = TelnetOption(rawValue: 32)
    /// Remote flow control (RFC 1372).
    public static let remoteFlowControl = TelnetOption(rawValue: 33)
    /// Linemode (RFC 1184).
    public static let linemode = TelnetOption(rawValue: 34)
    /// Environment variables (RFC 1572).
    public static let newEnvironment = TelnetOption(rawValue: 39)

    public var description: String {
        switch rawValue {
        case 0: "BINARY"
        case 1: "ECHO"
        case 3: "SUPPRESS-GO-AHEAD"
        case 5: "STATUS"
        case 6: "TIMING-MARK"
        case 24: "TERMINAL-TYPE"
        case 31: "NAWS"
        case 32: "TERMINAL-SPEED"
        case 33: "REMOTE-FLOW-CONTROL"
        case 34: "LINEMODE"
        case 36: "ENVIRON"
        case 39: "NEW-ENVIRON"
        default: "option \(rawValue)"
        }
    }
}

/// Which side of the connection performs an option. RFC 1143 calls the
/// two "us" and "him": DO and DONT from the peer are about `local`, WILL and
/// WONT from the peer about `remote`.
public enum TelnetSide: Hashable, Sendable, CustomStringConvertible {
    /// This end performs the option (we said WILL).
    case local
    /// The peer performs the option (it said WILL).
    case remote

    public var description: String {
        switch self {
        case .local: "local"
        case .remote: "remote"
        }
    }
}
