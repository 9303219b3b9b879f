/// The states of a TCP connection, named as RFC 9293 section 3.3.2 names
/// them (`description` gives the RFC's spelling, e.g. `SYN-RECEIVED`).
///
/// CLOSED is the RFC's "fictional" state: no TCB exists.
/// https://www.rfc-editor.org/rfc/rfc9293#section-3.3.2
///
/// Not to be confused with `TCPState`, the textbook's abstract state of
/// `TCPConnection` (the State pattern over a real listening socket).
public enum TCPMachineState: Hashable, Sendable, CustomStringConvertible {
    case closed
    case listen
    case synSent
    /// SYN-RECEIVED remembers how it was reached, because RFC 9293 section
    /// 3.10.7.4 treats the two ways differently: a RST or a SYN sends a
    /// connection that came from LISTEN (a passive OPEN) back there, while one
    /// that came from SYN-SENT (an active OPEN, a simultaneous open) is
    /// refused, or answers the SYN like a synchronized connection.
    case synReceived(TCPOpenKind)
    case established
    case finWait1
    case finWait2
    case closeWait
    case closing
    case lastAck
    case timeWait

    /// Every state, SYN-RECEIVED once for each way in: the eleven states of
    /// the RFC as twelve values.
    public static let all: [TCPMachineState] = [
        .closed, .listen, .synSent, .synReceived(.passiveOpen), .synReceived(.activeOpen), .established,
        .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait,
    ]

    /// The RFC's name of the state.
    public var description: String {
        switch self {
        case .closed: "CLOSED"
        case .listen: "LISTEN"
        case .synSent: "SYN-SENT"
        case .synReceived: "SYN-RECEIVED"
        case .established: "ESTABLISHED"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .closeWait: "CLOSE-WAIT"
        case .closing: "CLOSING"
        case .lastAck: "LAST-ACK"
        case .timeWait: "TIME-WAIT"
        }
    }
}

/// How a connection was opened: passively (waiting in LISTEN for a SYN) or
/// actively (sending a SYN from SYN-SENT).
public enum TCPOpenKind: Hashable, Sendable {
    case passiveOpen
    case activeOpen
}
