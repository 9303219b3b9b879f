/// A user call that the connection's state does not allow, e.g. SEND after
/// CLOSE: the state, the call, and the reason in the words of RFC 9293
/// section 3.10 ("error: connection closing").
///
/// Its description is one line, e.g.
/// `SEND in FIN-WAIT-1: error: connection closing`.
public struct TCPStateError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: String, Hashable, Sendable {
        /// CLOSED: there is no TCB (RFC 9293 3.10.2 - 3.10.5).
        case connectionDoesNotExist = "connection does not exist"
        /// An OPEN on a connection that has a TCB (RFC 9293 3.10.1).
        case connectionAlreadyExists = "connection already exists"
        /// SEND or CLOSE after this side has closed (RFC 9293 3.10.2, 3.10.4).
        case connectionClosing = "connection closing"
    }

    /// The state the call was made in.
    public let state: TCPMachineState
    /// The call, e.g. `SEND`.
    public let operation: String
    public let reason: Reason

    public init(state: TCPMachineState, operation: String, reason: Reason) {
        self.state = state
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation) in \(state): error: \(reason.rawValue)" }
}
