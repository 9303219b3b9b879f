/// A Telnet command: the byte after IAC (RFC 854, "TELNET COMMAND
/// STRUCTURE"). A struct rather than an enum so that a byte the RFC does not
/// name still has a value to report.
public struct TelnetCommand: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// End of a subnegotiation (240).
    public static let subnegotiationEnd = TelnetCommand(rawValue: 240)
    /// No operation (241).
    public static let noOperation = TelnetCommand(rawValue: 241)
    /// The data stream part of a Synch (242).
    public static let dataMark = TelnetCommand(rawValue: 242)
    /// Break (243).
    public static let breakKey = TelnetCommand(rawValue: 243)
    /// Interrupt Process (244).
    public static let interruptProcess = TelnetCommand(rawValue: 244)
    /// Abort Output (245).
    public static let abortOutput = TelnetCommand(rawValue: 245)
    /// Are You There (246).
    public static let areYouThere = TelnetCommand(rawValue: 246)
    /// Erase Character (247).
    public static let eraseCharacter = TelnetCommand(rawValue: 247)
    /// Erase Line (248).
    public static let eraseLine = TelnetCommand(rawValue: 248)
    /// Go Ahead (249).
    public static let goAhead = TelnetCommand(rawValue: 249)
    /// Start of a subnegotiation (250, RFC 855).
    public static let subnegotiationBegin = TelnetCommand(rawValue: 250)
    /// The sender will (or does) perform an option (251).
    public static let will = TelnetCommand(rawValue: 251)
    /// The sender refuses to perform, or stops performing, an option (252).
    public static let wont = TelnetCommand(rawValue: 252)
    /// The sender asks the receiver to perform an option (253).
    public static let `do` = TelnetCommand(rawValue: 253)
    /// The sender asks the receiver not to perform an option (254).
    public static let dont = TelnetCommand(rawValue: 254)
    /// Interpret As Command (255); doubled, a data byte of 255.
    public static let interpretAsCommand = TelnetCommand(rawValue: 255)

    /// Whether an option byte follows (WILL, WONT, DO, DONT).
    var isNegotiation: Bool { (251...254).contains(rawValue) }

    public var description: String {
        switch rawValue {
        case 240: "SE"
        case 241: "NOP"
        case 242: "DM"
        case 243: "BRK"
        case 244: "IP"
        case 245: "AO"
        case 246: "AYT"
        case 247: "EC"
        case 248: "EL"
        case 249: "GA"
        case 250: "SB"
        case 251: "WILL"
        case 252: "WONT"
        case 253: "DO"
        case 254: "DONT"
        case 255: "IAC"
        default: "command \(rawValue)"
        }
    }
}
