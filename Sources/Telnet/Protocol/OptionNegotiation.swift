/// The state of one side of one option in the Q method of RFC 1143
/// (section 7): enabled, disabled, or waiting for the answer to a request
/// to change.
public enum TelnetOptionState: Hashable, Sendable, CustomStringConvertible {
    case no, yes, wantNo, wantYes

    public var description: String {
        switch self {
        case .no: "no"
        case .yes: "yes"
        case .wantNo: "want no"
        case .wantYes: "want yes"
        }
    }
}

/// One side of one option, negotiated by the Q method (RFC 1143 section
/// 7): the state, the one-bit queue of a change asked for while a request
/// is outstanding (EMPTY or OPPOSITE), and whether a request from the peer
/// has already been refused. A refused option is never answered again
/// until something changes: RFC 1143's rules alone would answer a peer that
/// repeats WILL with DONT each time, and two such ends never stop.
///
/// Each function returns the answer to send, if any; "positive" is DO for
/// the remote side and WILL for the local one, "negative" DONT or WONT.
struct OptionNegotiation: Hashable, Sendable {
    enum Answer: Hashable, Sendable {
        case positive, negative
    }

    private(set) var state = TelnetOptionState.no
    private(set) var queuedOpposite = false
    private(set) var refused = false

    var isEnabled: Bool { state == .yes }

    /// The peer asks for the option on this side (WILL for remote, DO for
    /// local), or answers our request with yes. `accept` is whether this
    /// end agrees to it. Also returns whether the peer broke the protocol
    /// (answered our DONT with WILL).
    mutating func receivedPositive(accept: Bool) -> (answer: Answer?, violation: Bool) {
        switch state {
        case .no:
            if accept {
                state = .yes
                refused = false
                return (.positive, false)
            }
            if refused { return (nil, false) }
            refused = true
            return (.negative, false)
        case .yes:
            return (nil, false)
        case .wantNo:
            // "Error: DONT answered by WILL." The peer has it on anyway.
            state = queuedOpposite ? .yes : .no
            queuedOpposite = false
            return (nil, true)
        case .wantYes:
            if queuedOpposite {
                state = .wantNo
                queuedOpposite = false
                return (.negative, false)
            }
            state = .yes
            return (nil, false)
        }
    }

    /// The peer refuses or stops the option on this side (WONT for remote,
    /// DONT for local).
    mutating func receivedNegative() -> Answer? {
        switch state {
        case .no:
            return nil
        case .yes:
            state = .no
            return .negative
        case .wantNo:
            if queuedOpposite {
                state = .wantYes
                queuedOpposite = false
                return .positive
            }
            state = .no
            return nil
        case .wantYes:
            state = .no
            queuedOpposite = false
            return nil
        }
    }

    /// Lets the next request be answered again (this end's policy changed).
    mutating func forgetRefusal() {
        refused = false
    }

    /// This end asks for the option to be enabled on this side.
    mutating func requestEnable() -> Answer? {
        refused = false
        switch state {
        case .no:
            state = .wantYes
            return .positive
        case .yes:
            return nil
        case .wantNo:
            queuedOpposite = true
            return nil
        case .wantYes:
            queuedOpposite = false
            return nil
        }
    }

    /// This end asks for the option to be disabled on this side.
    mutating func requestDisable() -> Answer? {
        switch state {
        case .no:
            return nil
        case .yes:
            state = .wantNo
            return .negative
        case .wantNo:
            queuedOpposite = false
            return nil
        case .wantYes:
            queuedOpposite = true
            return nil
        }
    }
}
