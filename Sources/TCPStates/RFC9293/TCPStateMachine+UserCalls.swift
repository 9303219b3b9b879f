// The user calls of RFC 9293 sections 3.10.1 to 3.10.5, each by state.
// https://www.rfc-editor.org/rfc/rfc9293#section-3.10.1
extension TCPStateMachine {
    typealias Outcome = Result<TCPTransition, TCPStateError>

    /// 3.10.1 OPEN Call, passive.
    static func passiveOpen(in state: TCPMachineState) -> Outcome {
        switch state {
        case .closed:
            .success(TCPTransition(.listen, [.createTCB]))
        // The RFC names only the active OPEN for LISTEN; a second passive
        // OPEN is answered as in every other state with a TCB.
        default:
            refuse(.passiveOpen, in: state, .connectionAlreadyExists)
        }
    }

    /// 3.10.1 OPEN Call, active.
    static func activeOpen(in state: TCPMachineState) -> Outcome {
        switch state {
        case .closed:
            .success(TCPTransition(.synSent, [.createTCB, .sendSYN]))
        // "change the connection from passive to active ... Send a SYN
        // segment ... Enter SYN-SENT state."
        case .listen:
            .success(TCPTransition(.synSent, [.sendSYN]))
        default:
            refuse(.activeOpen, in: state, .connectionAlreadyExists)
        }
    }

    /// 3.10.2 SEND Call.
    static func send(in state: TCPMachineState) -> Outcome {
        switch state {
        case .closed:
            refuse(.send, in: state, .connectionDoesNotExist)
        // As an active OPEN; the data goes with the SYN or waits for
        // ESTABLISHED.
        case .listen:
            .success(TCPTransition(.synSent, [.sendSYN, .queueData]))
        case .synSent, .synReceived:
            .success(TCPTransition(state, [.queueData]))
        case .established, .closeWait:
            .success(TCPTransition(state, [.sendData]))
        case .finWait1, .finWait2, .closing, .lastAck, .timeWait:
            refuse(.send, in: state, .connectionClosing)
        }
    }

    /// 3.10.4 CLOSE Call.
    static func close(in state: TCPMachineState) -> Outcome {
        switch state {
        case .closed:
            refuse(.close, in: state, .connectionDoesNotExist)
        case .listen, .synSent:
            .success(TCPTransition(.closed, [.answerPendingCalls(.closing), .deleteTCB]))
        // With no data pending (see the type's notes): "form a FIN segment
        // and send it, and enter FIN-WAIT-1 state".
        case .synReceived, .established:
            .success(TCPTransition(.finWait1, [.sendFIN]))
        case .closeWait:
            .success(TCPTransition(.lastAck, [.sendFIN]))
        // FIN-WAIT-1 and -2: "Strictly speaking, this is an error and should
        // receive an 'error: connection closing' response."
        case .finWait1, .finWait2, .closing, .lastAck, .timeWait:
            refuse(.close, in: state, .connectionClosing)
        }
    }

    /// 3.10.5 ABORT Call.
    static func abort(in state: TCPMachineState) -> Outcome {
        switch state {
        case .closed:
            refuse(.abort, in: state, .connectionDoesNotExist)
        case .listen, .synSent:
            .success(TCPTransition(.closed, [.answerPendingCalls(.connectionReset), .deleteTCB]))
        case .synReceived, .established, .finWait1, .finWait2, .closeWait:
            .success(TCPTransition(.closed, [.sendRST, .answerPendingCalls(.connectionReset), .deleteTCB]))
        // "Respond with 'ok' and delete the TCB".
        case .closing, .lastAck, .timeWait:
            .success(TCPTransition(.closed, [.deleteTCB]))
        }
    }

    private static func refuse(_ call: TCPEvent, in state: TCPMachineState, _ reason: TCPStateError.Reason) -> Outcome {
        .failure(TCPStateError(state: state, operation: call.description, reason: reason))
    }
}
