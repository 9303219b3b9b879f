// SEGMENT ARRIVES, RFC 9293 section 3.10.7: CLOSED, LISTEN and SYN-SENT
// each have their own rules; the other states share one sequence of steps.
// https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7
extension TCPStateMachine {
    static func segmentArrives(_ segment: TCPSegment, in state: TCPMachineState) -> TCPTransition {
        switch state {
        case .closed: closedSegmentArrives(segment)
        case .listen: listenSegmentArrives(segment)
        case .synSent: synSentSegmentArrives(segment)
        default: otherStatesSegmentArrives(segment, in: state)
        }
    }

    /// 3.10.7.1 CLOSED STATE: "An incoming segment containing a RST is
    /// discarded. An incoming segment not containing a RST causes a RST to
    /// be sent in response", its form chosen by the ACK bit.
    private static func closedSegmentArrives(_ segment: TCPSegment) -> TCPTransition {
        if segment.flags.contains(.rst) { return TCPTransition(.closed) }
        return TCPTransition(.closed, [segment.flags.contains(.ack) ? .sendRST : .sendRSTACK])
    }

    /// 3.10.7.2 LISTEN STATE.
    private static func listenSegmentArrives(_ segment: TCPSegment) -> TCPTransition {
        // First: "An incoming RST should be ignored."
        if segment.flags.contains(.rst) { return TCPTransition(.listen) }
        // Second: "Any acknowledgment is bad if it arrives on a connection
        // still in the LISTEN state": <SEQ=SEG.ACK><CTL=RST>.
        if segment.flags.contains(.ack) { return TCPTransition(.listen, [.sendRST]) }
        // Third: a SYN. "any other control or text should be queued for
        // processing later."
        if segment.flags.contains(.syn) {
            let queue: [TCPAction] = segment.flags.contains(.fin) ? [.queueRestOfSegment] : []
            return TCPTransition(.synReceived(.passiveOpen), [.sendSYNACK] + queue)
        }
        // Fourth: "Drop the segment and return."
        return TCPTransition(.listen)
    }

    /// 3.10.7.3 SYN-SENT STATE.
    private static func synSentSegmentArrives(_ segment: TCPSegment) -> TCPTransition {
        let flags = segment.flags
        // First, the ACK bit. SND.UNA = ISS and SND.NXT = ISS+1, so an
        // acknowledgment short of everything sent has SEG.ACK =< ISS: "send
        // a reset (unless the RST bit is set, if so drop the segment and
        // return) ... and discard the segment."
        if segment.acknowledgment == .notAllSent {
            return TCPTransition(.synSent, flags.contains(.rst) ? [] : [.sendRST])
        }
        let synAcknowledged = segment.acknowledgment == .allSent
        // Second, the RST bit: "If the ACK was acceptable, then signal to the
        // user 'error: connection reset', drop the segment, enter CLOSED
        // state, delete TCB, and return. Otherwise (no ACK), drop the segment
        // and return."
        if flags.contains(.rst) {
            return synAcknowledged
                ? TCPTransition(.closed, [.signal(.connectionReset), .deleteTCB]) : TCPTransition(.synSent)
        }
        // Fourth, the SYN bit.
        if flags.contains(.syn) {
            // "If SND.UNA > ISS (our SYN has been ACKed), change the
            // connection state to ESTABLISHED, form an ACK segment ... If there
            // are other controls or text in the segment, then continue
            // processing at the sixth step under Section 3.10.7.4".
            if synAcknowledged {
                var steps = Steps(.established, [.sendACK])
                steps.checkFIN(segment)
                return steps.transition
            }
            // "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment ... If
            // there are other controls or text in the segment, queue them for
            // processing after the ESTABLISHED state has been reached": a
            // simultaneous open.
            let queue: [TCPAction] = flags.contains(.fin) ? [.queueRestOfSegment] : []
            return TCPTransition(.synReceived(.activeOpen), [.sendSYNACK] + queue)
        }
        // Fifth: "if neither of the SYN or RST bits is set, then drop the
        // segment and return."
        return TCPTransition(.synSent)
    }

    /// 3.10.7.4 Other States: SYN-RECEIVED and the synchronized states.
    private static func otherStatesSegmentArrives(_ segment: TCPSegment, in state: TCPMachineState) -> TCPTransition {
        let flags = segment.flags
        // First, the sequence number: assumed acceptable (see the type).

        // Second, the RST bit.
        if flags.contains(.rst) {
            switch state {
            // "If this connection was initiated with a passive OPEN ..., then
            // return this connection to LISTEN state and return. The user need
            // not be informed."
            case .synReceived(.passiveOpen):
                return TCPTransition(.listen)
            // "If this connection was initiated with an active OPEN ..., then
            // the connection was refused; signal the user 'connection
            // refused'. ... enter the CLOSED state and delete the TCB".
            case .synReceived(.activeOpen):
                return TCPTransition(.closed, [.signal(.connectionRefused), .deleteTCB])
            // "Users should also receive an unsolicited general 'connection
            // reset' signal. Enter the CLOSED state, delete the TCB".
            case .established, .finWait1, .finWait2, .closeWait:
                return TCPTransition(.closed, [.signal(.connectionReset), .deleteTCB])
            default:  // CLOSING, LAST-ACK, TIME-WAIT
                return TCPTransition(.closed, [.deleteTCB])
            }
        }

        // Third, security: assumed to match (see the type).

        // Fourth, the SYN bit.
        if flags.contains(.syn) {
            // "If the connection was initiated with a passive OPEN, then
            // return this connection to the LISTEN state and return."
            if state == .synReceived(.passiveOpen) { return TCPTransition(.listen) }
            // Otherwise as the synchronized states: a challenge ACK, "irrespective
            // of the sequence number" (RFC 5961 section 4), and drop the segment.
            return TCPTransition(state, [.sendACK])
        }

        // Fifth, the ACK field: "if the ACK bit is off, drop the segment and
        // return".
        guard let acknowledgment = segment.acknowledgment else { return TCPTransition(state) }
        let allSent = acknowledgment == .allSent
        var steps = Steps(state)
        switch state {
        case .synReceived:
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state
            // and continue processing"; otherwise "form a reset segment
            // <SEQ=SEG.ACK><CTL=RST> and send it". The RFC does not say to
            // return there, but a segment whose acknowledgment is refused
            // with a reset goes no further (as in SYN-SENT).
            guard allSent else { return TCPTransition(state, [.sendRST]) }
            steps.state = .established
        case .established, .finWait2, .closeWait:
            // Send window and retransmission queue; "If the ACK is a
            // duplicate (SEG.ACK =< SND.UNA), it can be ignored."
            break
        case .finWait1:
            // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2
            // and continue processing in that state."
            if allSent { steps.state = .finWait2 }
        case .closing:
            // "if the ACK acknowledges our FIN, then enter the TIME-WAIT
            // state; otherwise, ignore the segment." TIME-WAIT lasts 2 MSL
            // from here (figure 5).
            guard allSent else { return TCPTransition(state) }
            steps.state = .timeWait
            steps.perform(.startTimeWaitTimer)
        case .lastAck:
            // "If our FIN is now acknowledged, delete the TCB, enter the
            // CLOSED state, and return."
            if allSent { return TCPTransition(.closed, [.deleteTCB]) }
        case .timeWait:
            // "The only thing that can arrive in this state is a
            // retransmission of the remote FIN. Acknowledge it, and restart
            // the 2 MSL timeout."
            steps.perform(.sendACK)
            steps.perform(.startTimeWaitTimer)
        case .closed, .listen, .synSent:
            preconditionFailure("\(state) has its own segment rules")
        }

        // Sixth and seventh, the URG bit and the segment text: no data is
        // modeled. Eighth, the FIN bit.
        steps.checkFIN(segment)
        return steps.transition
    }
}

/// The state and actions gathered while one segment goes through the steps
/// of 3.10.7.4.
private struct Steps {
    var state: TCPMachineState
    private(set) var actions: [TCPAction]

    init(_ state: TCPMachineState, _ actions: [TCPAction] = []) {
        self.state = state
        self.actions = actions
    }

    var transition: TCPTransition { TCPTransition(state, actions) }

    /// Adds `action` unless an earlier step took it: one ACK, one timer
    /// (re)start per segment (MUST-58, "aggregate ACK segments").
    mutating func perform(_ action: TCPAction) {
        if !actions.contains(action) { actions.append(action) }
    }

    /// 3.10.7.4, eighth step: "If the FIN bit is set, signal the user
    /// 'connection closing' and return any pending RECEIVEs with same
    /// message, advance RCV.NXT over the FIN, and send an acknowledgment for
    /// the FIN." Only reached with ACK set (the fifth step drops the rest).
    mutating func checkFIN(_ segment: TCPSegment) {
        guard segment.flags.contains(.fin) else { return }
        perform(.signal(.connectionClosing))
        perform(.sendACK)
        switch state {
        case .synReceived, .established:
            state = .closeWait
        // "If our FIN has been ACKed (perhaps in this segment), then enter
        // TIME-WAIT ...; otherwise, enter the CLOSING state." An ACK of our
        // FIN moved FIN-WAIT-1 to FIN-WAIT-2 in the fifth step.
        case .finWait1:
            state = .closing
        // "Enter the TIME-WAIT state. Start the time-wait timer, turn off the
        // other timers."
        case .finWait2:
            state = .timeWait
            perform(.startTimeWaitTimer)
        // "Remain in the TIME-WAIT state. Restart the 2 MSL time-wait timeout."
        case .timeWait:
            perform(.startTimeWaitTimer)
        // CLOSE-WAIT, CLOSING, LAST-ACK: remain.
        case .closeWait, .closing, .lastAck:
            break
        case .closed, .listen, .synSent:
            preconditionFailure("the FIN of a segment in \(state) is not processed")
        }
    }
}
