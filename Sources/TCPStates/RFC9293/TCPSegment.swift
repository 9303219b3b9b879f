/// An arriving segment as the state machine sees it: its control flags and,
/// when the ACK flag is set, how much of what this side sent it
/// acknowledges. Sequence numbers and windows are not modeled (see
/// `TCPStateMachine`).
public struct TCPSegment: Hashable, Sendable, CustomStringConvertible {
    /// The control bits; `ack` is set exactly when `acknowledgment` is not nil.
    public let flags: TCPFlags
    /// What SEG.ACK covers; nil when the ACK flag is off.
    public let acknowledgment: TCPAcknowledgment?

    /// A segment with `flags`; `acknowledging` counts only when `flags`
    /// holds ACK.
    public init(_ flags: TCPFlags, acknowledging: TCPAcknowledgment = .allSent) {
        self.flags = flags
        self.acknowledgment = flags.contains(.ack) ? acknowledging : nil
    }

    public var description: String {
        let names = [(TCPFlags.syn, "SYN"), (.fin, "FIN"), (.rst, "RST"), (.ack, "ACK")]
            .filter { flags.contains($0.0) }.map(\.1)
        let text = names.isEmpty ? "(no flags)" : names.joined(separator: "+")
        return acknowledgment == .notAllSent ? text + " (acknowledging less than was sent)" : text
    }

    public static let syn = TCPSegment([.syn])
    public static let synACK = TCPSegment([.syn, .ack])
    public static let ack = TCPSegment([.ack])
    public static let fin = TCPSegment([.fin])
    public static let finACK = TCPSegment([.fin, .ack])
    public static let rst = TCPSegment([.rst])
    public static let rstACK = TCPSegment([.rst, .ack])
}

/// The TCP control bits the state machine reads, with their bit values in
/// the header's flags octet (RFC 9293 section 3.1).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// No more data from the sender.
    public static let fin = TCPFlags(rawValue: 0x01)
    /// Synchronize sequence numbers.
    public static let syn = TCPFlags(rawValue: 0x02)
    /// Reset the connection.
    public static let rst = TCPFlags(rawValue: 0x04)
    /// The acknowledgment field is significant.
    public static let ack = TCPFlags(rawValue: 0x10)
}

/// How far an acknowledgment reaches into what this side has sent, the one
/// fact about SEG.ACK the state changes depend on (RFC 9293 3.10.7.3 and
/// 3.10.7.4, fifth step).
public enum TCPAcknowledgment: Hashable, Sendable {
    /// SEG.ACK = SND.NXT: everything sent is acknowledged, this side's SYN
    /// and FIN included (the "ACK of SYN" and "ACK of FIN" of figure 5).
    case allSent
    /// SEG.ACK < SND.NXT: something sent is not acknowledged yet. In
    /// SYN-SENT and SYN-RECEIVED that is the SYN itself, so SEG.ACK =< ISS,
    /// an unacceptable acknowledgment (an old duplicate); in FIN-WAIT-1,
    /// CLOSING and LAST-ACK it is the FIN (a FIN crossing ours in a
    /// simultaneous close); elsewhere it is a duplicate acknowledgment.
    case notAllSent
}
