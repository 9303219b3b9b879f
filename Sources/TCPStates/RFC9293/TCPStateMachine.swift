/// The TCP connection state machine of RFC 9293 (which obsoletes RFC 793):
/// the eleven states of section 3.3.2 and figure 5, moved by the event
/// processing of section 3.10. A value: `transition` is a pure function of
/// a state and an event, and `apply` keeps the state for a caller that
/// drives one connection.
///
/// It works on flags, not numbers. Sequence numbers, windows, the TCB's
/// addresses and the data itself are out of scope, so the machine assumes
/// what a full implementation would check:
/// - every arriving segment passes the sequence number check (3.10.7.4,
///   first step) and is the idealized segment that begins at RCV.NXT; a RST
///   carries exactly RCV.NXT (RFC 5961 section 3); security matches. A SYN
///   or FIN lying before RCV.NXT (a retransmission) has been trimmed off, as
///   3.10.7.4 describes, so a SYN,ACK repeating a SYN already taken (the
///   simultaneous open of figure 8) arrives as an ACK;
/// - an acknowledgment either covers everything this side sent or not
///   (`TCPAcknowledgment`); one of data never sent (SEG.ACK > SND.NXT) is
///   not modeled;
/// - no data is pending when CLOSE comes in SYN-RECEIVED (else the RFC
///   queues the CLOSE until ESTABLISHED), and SEND in LISTEN has a remote
///   socket (else "error: remote socket unspecified");
/// - a SYN in a synchronized state gets the challenge ACK of RFC 5961
///   section 4, as RFC 9293 recommends, not RFC 793's reset.
///
/// A user call the state does not allow is a `TCPStateError` with the RFC's
/// words. An arriving segment is never an error: dropping it, or answering
/// with a RST or an ACK, is a transition with those actions.
/// https://www.rfc-editor.org/rfc/rfc9293#section-3.10
public struct TCPStateMachine: Hashable, Sendable {
    /// The state now; CLOSED to begin with.
    public private(set) var state: TCPMachineState

    public init(state: TCPMachineState = .closed) { self.state = state }

    /// Handles `event`: moves to the next state and returns what TCP does,
    /// or throws, leaving the state as it was.
    @discardableResult
    public mutating func apply(_ event: TCPEvent) throws(TCPStateError) -> [TCPAction] {
        let transition = try Self.transition(state, event).get()
        state = transition.next
        return transition.actions
    }

    /// The next state and TCP's actions when `event` happens in `state`, or
    /// the error the user gets. Grouped as RFC 9293 section 3.10 is: by
    /// event, then by state.
    public static func transition(_ state: TCPMachineState, _ event: TCPEvent) -> Result<TCPTransition, TCPStateError> {
        switch event {
        case .passiveOpen: passiveOpen(in: state)
        case .activeOpen: activeOpen(in: state)
        case .send: send(in: state)
        case .close: close(in: state)
        case .abort: abort(in: state)
        case .segment(let segment): .success(segmentArrives(segment, in: state))
        case .userTimeout: .success(userTimeout(in: state))
        case .timeWaitTimeout: .success(timeWaitTimeout(in: state))
        }
    }
}

/// Where an event leads: the next state and the actions, in the order the
/// RFC takes them.
public struct TCPTransition: Hashable, Sendable, CustomStringConvertible {
    public let next: TCPMachineState
    public let actions: [TCPAction]

    public init(_ next: TCPMachineState, _ actions: [TCPAction] = []) {
        self.next = next
        self.actions = actions
    }

    public var description: String {
        actions.isEmpty ? "-> \(next)" : "-> \(next), " + actions.map(\.description).joined(separator: ", ")
    }
}
