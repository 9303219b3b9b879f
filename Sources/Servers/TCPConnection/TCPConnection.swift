/// The context of the State pattern's TCP example (Gamma et al., "Design
/// Patterns", the State pattern): a connection that hands every request to
/// the object standing for its current state, `TCPClosed`, `TCPListen` or
/// `TCPEstablished`, which may replace itself with another.
///
/// The book's states do nothing for a request they do not handle; here such
/// a request throws a `TCPStateError` naming the state and the request, and
/// leaves the state as it was. The three states are a sketch of TCP;
/// `TCPStateMachine` is the whole of RFC 9293's state diagram.
public final class TCPConnection {
    private var current: any TCPConnectionState = TCPClosed()
    /// The octets `transmit` passed on while established, in order.
    public private(set) var processedOctets: [UInt8] = []

    public init() {}

    /// The RFC 9293 state the current state object stands for.
    public var state: TCPState { current.name }

    /// Opens the connection towards a peer: SYN, SYN+ACK, ACK.
    public func activeOpen() throws(TCPStateError) { try current.activeOpen(self) }
    /// Waits for a peer to connect.
    public func passiveOpen() throws(TCPStateError) { try current.passiveOpen(self) }
    public func close() throws(TCPStateError) { try current.close(self) }
    /// The user sends: data once established, a SYN (an active open) while
    /// listening, as in the book.
    public func send() throws(TCPStateError) { try current.send(self) }
    /// An acknowledgment arrives.
    public func acknowledge() throws(TCPStateError) { try current.acknowledge(self) }
    /// A SYN (a synchronize request) arrives.
    public func synchronize() throws(TCPStateError) { try current.synchronize(self) }
    /// Octets arrive for the user.
    public func transmit(_ octets: [UInt8]) throws(TCPStateError) { try current.transmit(octets, on: self) }

    // What the state objects may do to their connection; the book makes them
    // friends of the class, here they share its module.
    func changeState(to next: any TCPConnectionState) { current = next }

    func processOctets(_ octets: [UInt8]) { processedOctets.append(contentsOf: octets) }
}
