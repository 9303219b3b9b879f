/// The listener is closed: the connection is done, and every call is the
/// book's `CloseStateError`.
public struct TCPClosed: TCPState {
    public init() {}

    public var name: TCPMachineState { .closed }

    public func refusal(of operation: TCPConnection.Operation) -> TCPConnectionError { .closeState(operation) }
}
