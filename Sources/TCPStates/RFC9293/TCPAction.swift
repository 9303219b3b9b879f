/// What TCP does in response to an event, in the words of RFC 9293 section
/// 3.10; the segment forms are those the RFC gives.
public enum TCPAction: Hashable, Sendable, CustomStringConvertible {
    /// Create the transmission control block.
    case createTCB
    /// Delete the transmission control block, flushing every queue.
    case deleteTCB
    /// <SEQ=ISS><CTL=SYN>
    case sendSYN
    /// <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
    case sendSYNACK
    /// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; one per event, however many
    /// steps ask for it (RFC 9293 MUST-58: aggregate ACK segments).
    case sendACK
    /// A FIN segment, after all data queued before it.
    case sendFIN
    /// <SEQ=SEG.ACK><CTL=RST> in reply to a segment with ACK, or
    /// <SEQ=SND.NXT><CTL=RST> for an ABORT.
    case sendRST
    /// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, in reply to a segment
    /// without ACK.
    case sendRSTACK
    /// Segmentize the SEND buffer and send it.
    case sendData
    /// Keep the SEND buffer for transmission once ESTABLISHED.
    case queueData
    /// Keep the segment's other controls (a FIN) and text for processing
    /// once ESTABLISHED (3.10.7.2, 3.10.7.3).
    case queueRestOfSegment
    /// Start the 2 MSL time-wait timer, or restart it; the other timers stop.
    case startTimeWaitTimer
    /// Signal the user, and answer any pending call the same way.
    case signal(TCPNotice)
    /// Answer the pending SENDs and RECEIVEs, if any, with this error.
    case answerPendingCalls(TCPNotice)

    public var description: String {
        switch self {
        case .createTCB: "create TCB"
        case .deleteTCB: "delete TCB"
        case .sendSYN: "send SYN"
        case .sendSYNACK: "send SYN,ACK"
        case .sendACK: "send ACK"
        case .sendFIN: "send FIN"
        case .sendRST: "send RST"
        case .sendRSTACK: "send RST,ACK"
        case .sendData: "send data"
        case .queueData: "queue data"
        case .queueRestOfSegment: "queue the rest of the segment"
        case .startTimeWaitTimer: "start the 2 MSL timer"
        case .signal(let notice): "signal \"\(notice.rawValue)\""
        case .answerPendingCalls(let notice): "answer pending calls \"\(notice.rawValue)\""
        }
    }
}

/// What the user is told, in the RFC's words.
public enum TCPNotice: String, Hashable, Sendable {
    case connectionReset = "connection reset"
    case connectionRefused = "connection refused"
    case connectionClosing = "connection closing"
    /// The response to calls pending when the user closes (3.10.4).
    case closing = "closing"
    case userTimeout = "connection aborted due to user timeout"
}
