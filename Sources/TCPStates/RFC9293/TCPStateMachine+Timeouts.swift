// The timeouts of RFC 9293 section 3.10.8.
// https://www.rfc-editor.org/rfc/rfc9293#section-3.10.8
extension TCPStateMachine {
    /// USER TIMEOUT: "For any state if the user timeout expires, flush all
    /// queues, signal the user 'error: connection aborted due to user
    /// timeout' in general and for any outstanding calls, delete the TCB,
    /// enter the CLOSED state". CLOSED has no TCB and so no timer: a late
    /// expiry changes nothing.
    static func userTimeout(in state: TCPMachineState) -> TCPTransition {
        state == .closed ? TCPTransition(.closed) : TCPTransition(.closed, [.signal(.userTimeout), .deleteTCB])
    }

    /// TIME-WAIT TIMEOUT: "delete the TCB, enter the CLOSED state". The timer
    /// runs in TIME-WAIT only; an expiry after the connection has left it
    /// (a RST, an ABORT) changes nothing.
    static func timeWaitTimeout(in state: TCPMachineState) -> TCPTransition {
        state == .timeWait ? TCPTransition(.closed, [.deleteTCB]) : TCPTransition(state)
    }
}
