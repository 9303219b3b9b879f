import TCPStates

// The whole state machine written out by hand from RFC 9293 section 3.10:
// every state (SYN-RECEIVED once per way in) against every event below.
// Each entry is the next state and the actions in order, or the error.
// TCPTransitionTableTests compares every entry with TCPStateMachine, so a
// change to any transition fails there.

extension TCPEvent {
    static let syn = TCPEvent.segment(.syn)
    static let synACK = TCPEvent.segment(.synACK)
    /// An acknowledgment of less than was sent: SEG.ACK =< ISS before
    /// ESTABLISHED, a FIN not yet acknowledged afterwards.
    static let synACKShort = TCPEvent.segment(TCPSegment([.syn, .ack], acknowledging: .notAllSent))
    static let ack = TCPEvent.segment(.ack)
    static let ackShort = TCPEvent.segment(TCPSegment([.ack], acknowledging: .notAllSent))
    static let fin = TCPEvent.segment(.fin)
    static let finACK = TCPEvent.segment(.finACK)
    static let finACKShort = TCPEvent.segment(TCPSegment([.fin, .ack], acknowledging: .notAllSent))
    static let synFIN = TCPEvent.segment(TCPSegment([.syn, .fin]))
    static let rst = TCPEvent.segment(.rst)
    static let rstACK = TCPEvent.segment(.rstACK)
    static let rstACKShort = TCPEvent.segment(TCPSegment([.rst, .ack], acknowledging: .notAllSent))
}

enum Expected: Equatable, CustomStringConvertible {
    case to(TCPMachineState, [TCPAction])
    case refused(TCPStateError.Reason)

    static func to(_ state: TCPMachineState, _ actions: TCPAction...) -> Expected { .to(state, actions) }

    var description: String {
        switch self {
        case .to(let state, let actions): "\(TCPTransition(state, actions))"
        case .refused(let reason): "error: \(reason.rawValue)"
        }
    }
}

enum TCPTransitionTable {
    /// The events of the table: every user call and timeout, and the
    /// segments whose flags matter.
    static let events: [TCPEvent] = [
        .passiveOpen, .activeOpen, .send, .close, .abort,
        .syn, .synACK, .synACKShort, .ack, .ackShort, .fin, .finACK, .finACKShort, .synFIN,
        .rst, .rstACK, .rstACKShort,
        .userTimeout, .timeWaitTimeout,
    ]

    static let passiveSynReceived = TCPMachineState.synReceived(.passiveOpen)
    static let activeSynReceived = TCPMachineState.synReceived(.activeOpen)

    static let rows: [(state: TCPMachineState, entries: [(event: TCPEvent, expected: Expected)])] = [
        (
            .closed,
            [
                (.passiveOpen, .to(.listen, .createTCB)),
                (.activeOpen, .to(.synSent, .createTCB, .sendSYN)),
                (.send, .refused(.connectionDoesNotExist)),
                (.close, .refused(.connectionDoesNotExist)),
                (.abort, .refused(.connectionDoesNotExist)),
                (.syn, .to(.closed, .sendRSTACK)),
                (.synACK, .to(.closed, .sendRST)),
                (.synACKShort, .to(.closed, .sendRST)),
                (.ack, .to(.closed, .sendRST)),
                (.ackShort, .to(.closed, .sendRST)),
                (.fin, .to(.closed, .sendRSTACK)),
                (.finACK, .to(.closed, .sendRST)),
                (.finACKShort, .to(.closed, .sendRST)),
                (.synFIN, .to(.closed, .sendRSTACK)),
                (.rst, .to(.closed)),
                (.rstACK, .to(.closed)),
                (.rstACKShort, .to(.closed)),
                (.userTimeout, .to(.closed)),
                (.timeWaitTimeout, .to(.closed)),
            ]
        ),
        (
            .listen,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .to(.synSent, .sendSYN)),
                (.send, .to(.synSent, .sendSYN, .queueData)),
                (.close, .to(.closed, .answerPendingCalls(.closing), .deleteTCB)),
                (.abort, .to(.closed, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(passiveSynReceived, .sendSYNACK)),
                (.synACK, .to(.listen, .sendRST)),
                (.synACKShort, .to(.listen, .sendRST)),
                (.ack, .to(.listen, .sendRST)),
                (.ackShort, .to(.listen, .sendRST)),
                (.fin, .to(.listen)),
                (.finACK, .to(.listen, .sendRST)),
                (.finACKShort, .to(.listen, .sendRST)),
                (.synFIN, .to(passiveSynReceived, .sendSYNACK, .queueRestOfSegment)),
                (.rst, .to(.listen)),
                (.rstACK, .to(.listen)),
                (.rstACKShort, .to(.listen)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.listen)),
            ]
        ),
        (
            .synSent,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .to(.synSent, .queueData)),
                (.close, .to(.closed, .answerPendingCalls(.closing), .deleteTCB)),
                (.abort, .to(.closed, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(activeSynReceived, .sendSYNACK)),
                (.synACK, .to(.established, .sendACK)),
                (.synACKShort, .to(.synSent, .sendRST)),
                (.ack, .to(.synSent)),
                (.ackShort, .to(.synSent, .sendRST)),
                (.fin, .to(.synSent)),
                (.finACK, .to(.synSent)),
                (.finACKShort, .to(.synSent, .sendRST)),
                (.synFIN, .to(activeSynReceived, .sendSYNACK, .queueRestOfSegment)),
                (.rst, .to(.synSent)),
                (.rstACK, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACKShort, .to(.synSent)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.synSent)),
            ]
        ),
        (
            passiveSynReceived,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .to(passiveSynReceived, .queueData)),
                (.close, .to(.finWait1, .sendFIN)),
                (.abort, .to(.closed, .sendRST, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(.listen)),
                (.synACK, .to(.listen)),
                (.synACKShort, .to(.listen)),
                (.ack, .to(.established)),
                (.ackShort, .to(passiveSynReceived, .sendRST)),
                (.fin, .to(passiveSynReceived)),
                (.finACK, .to(.closeWait, .signal(.connectionClosing), .sendACK)),
                (.finACKShort, .to(passiveSynReceived, .sendRST)),
                (.synFIN, .to(.listen)),
                (.rst, .to(.listen)),
                (.rstACK, .to(.listen)),
                (.rstACKShort, .to(.listen)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(passiveSynReceived)),
            ]
        ),
        (
            activeSynReceived,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .to(activeSynReceived, .queueData)),
                (.close, .to(.finWait1, .sendFIN)),
                (.abort, .to(.closed, .sendRST, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(activeSynReceived, .sendACK)),
                (.synACK, .to(activeSynReceived, .sendACK)),
                (.synACKShort, .to(activeSynReceived, .sendACK)),
                (.ack, .to(.established)),
                (.ackShort, .to(activeSynReceived, .sendRST)),
                (.fin, .to(activeSynReceived)),
                (.finACK, .to(.closeWait, .signal(.connectionClosing), .sendACK)),
                (.finACKShort, .to(activeSynReceived, .sendRST)),
                (.synFIN, .to(activeSynReceived, .sendACK)),
                (.rst, .to(.closed, .signal(.connectionRefused), .deleteTCB)),
                (.rstACK, .to(.closed, .signal(.connectionRefused), .deleteTCB)),
                (.rstACKShort, .to(.closed, .signal(.connectionRefused), .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(activeSynReceived)),
            ]
        ),
        (
            .established,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .to(.established, .sendData)),
                (.close, .to(.finWait1, .sendFIN)),
                (.abort, .to(.closed, .sendRST, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(.established, .sendACK)),
                (.synACK, .to(.established, .sendACK)),
                (.synACKShort, .to(.established, .sendACK)),
                (.ack, .to(.established)),
                (.ackShort, .to(.established)),
                (.fin, .to(.established)),
                (.finACK, .to(.closeWait, .signal(.connectionClosing), .sendACK)),
                (.finACKShort, .to(.closeWait, .signal(.connectionClosing), .sendACK)),
                (.synFIN, .to(.established, .sendACK)),
                (.rst, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACK, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACKShort, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.established)),
            ]
        ),
        (
            .finWait1,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .refused(.connectionClosing)),
                (.close, .refused(.connectionClosing)),
                (.abort, .to(.closed, .sendRST, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(.finWait1, .sendACK)),
                (.synACK, .to(.finWait1, .sendACK)),
                (.synACKShort, .to(.finWait1, .sendACK)),
                (.ack, .to(.finWait2)),
                (.ackShort, .to(.finWait1)),
                (.fin, .to(.finWait1)),
                (.finACK, .to(.timeWait, .signal(.connectionClosing), .sendACK, .startTimeWaitTimer)),
                (.finACKShort, .to(.closing, .signal(.connectionClosing), .sendACK)),
                (.synFIN, .to(.finWait1, .sendACK)),
                (.rst, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACK, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACKShort, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.finWait1)),
            ]
        ),
        (
            .finWait2,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .refused(.connectionClosing)),
                (.close, .refused(.connectionClosing)),
                (.abort, .to(.closed, .sendRST, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(.finWait2, .sendACK)),
                (.synACK, .to(.finWait2, .sendACK)),
                (.synACKShort, .to(.finWait2, .sendACK)),
                (.ack, .to(.finWait2)),
                (.ackShort, .to(.finWait2)),
                (.fin, .to(.finWait2)),
                (.finACK, .to(.timeWait, .signal(.connectionClosing), .sendACK, .startTimeWaitTimer)),
                (.finACKShort, .to(.timeWait, .signal(.connectionClosing), .sendACK, .startTimeWaitTimer)),
                (.synFIN, .to(.finWait2, .sendACK)),
                (.rst, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACK, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACKShort, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.finWait2)),
            ]
        ),
        (
            .closeWait,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .to(.closeWait, .sendData)),
                (.close, .to(.lastAck, .sendFIN)),
                (.abort, .to(.closed, .sendRST, .answerPendingCalls(.connectionReset), .deleteTCB)),
                (.syn, .to(.closeWait, .sendACK)),
                (.synACK, .to(.closeWait, .sendACK)),
                (.synACKShort, .to(.closeWait, .sendACK)),
                (.ack, .to(.closeWait)),
                (.ackShort, .to(.closeWait)),
                (.fin, .to(.closeWait)),
                (.finACK, .to(.closeWait, .signal(.connectionClosing), .sendACK)),
                (.finACKShort, .to(.closeWait, .signal(.connectionClosing), .sendACK)),
                (.synFIN, .to(.closeWait, .sendACK)),
                (.rst, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACK, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.rstACKShort, .to(.closed, .signal(.connectionReset), .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.closeWait)),
            ]
        ),
        (
            .closing,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .refused(.connectionClosing)),
                (.close, .refused(.connectionClosing)),
                (.abort, .to(.closed, .deleteTCB)),
                (.syn, .to(.closing, .sendACK)),
                (.synACK, .to(.closing, .sendACK)),
                (.synACKShort, .to(.closing, .sendACK)),
                (.ack, .to(.timeWait, .startTimeWaitTimer)),
                (.ackShort, .to(.closing)),
                (.fin, .to(.closing)),
                (.finACK, .to(.timeWait, .startTimeWaitTimer, .signal(.connectionClosing), .sendACK)),
                (.finACKShort, .to(.closing)),
                (.synFIN, .to(.closing, .sendACK)),
                (.rst, .to(.closed, .deleteTCB)),
                (.rstACK, .to(.closed, .deleteTCB)),
                (.rstACKShort, .to(.closed, .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.closing)),
            ]
        ),
        (
            .lastAck,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .refused(.connectionClosing)),
                (.close, .refused(.connectionClosing)),
                (.abort, .to(.closed, .deleteTCB)),
                (.syn, .to(.lastAck, .sendACK)),
                (.synACK, .to(.lastAck, .sendACK)),
                (.synACKShort, .to(.lastAck, .sendACK)),
                (.ack, .to(.closed, .deleteTCB)),
                (.ackShort, .to(.lastAck)),
                (.fin, .to(.lastAck)),
                (.finACK, .to(.closed, .deleteTCB)),
                (.finACKShort, .to(.lastAck, .signal(.connectionClosing), .sendACK)),
                (.synFIN, .to(.lastAck, .sendACK)),
                (.rst, .to(.closed, .deleteTCB)),
                (.rstACK, .to(.closed, .deleteTCB)),
                (.rstACKShort, .to(.closed, .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.lastAck)),
            ]
        ),
        (
            .timeWait,
            [
                (.passiveOpen, .refused(.connectionAlreadyExists)),
                (.activeOpen, .refused(.connectionAlreadyExists)),
                (.send, .refused(.connectionClosing)),
                (.close, .refused(.connectionClosing)),
                (.abort, .to(.closed, .deleteTCB)),
                (.syn, .to(.timeWait, .sendACK)),
                (.synACK, .to(.timeWait, .sendACK)),
                (.synACKShort, .to(.timeWait, .sendACK)),
                (.ack, .to(.timeWait, .sendACK, .startTimeWaitTimer)),
                (.ackShort, .to(.timeWait, .sendACK, .startTimeWaitTimer)),
                (.fin, .to(.timeWait)),
                (.finACK, .to(.timeWait, .sendACK, .startTimeWaitTimer, .signal(.connectionClosing))),
                (.finACKShort, .to(.timeWait, .sendACK, .startTimeWaitTimer, .signal(.connectionClosing))),
                (.synFIN, .to(.timeWait, .sendACK)),
                (.rst, .to(.closed, .deleteTCB)),
                (.rstACK, .to(.closed, .deleteTCB)),
                (.rstACKShort, .to(.closed, .deleteTCB)),
                (.userTimeout, .to(.closed, .signal(.userTimeout), .deleteTCB)),
                (.timeWaitTimeout, .to(.closed, .deleteTCB)),
            ]
        ),
    ]
}
