import SocketCore

/// The echo service (RFC 862): every byte, or every datagram, goes back.
public struct EchoHandler: StreamHandler, DatagramHandler {
    public init() {}

    public func open(peer: SocketAddress) -> EchoSession { EchoSession() }

    public func received(_ datagram: UnsafeRawBufferPointer, from sender: SocketAddress,
                         output: inout [UInt8]) -> Bool {
        output.append(contentsOf: datagram)
        return true
    }
}

public struct EchoSession: StreamSession {
    public mutating func received(_ input: UnsafeRawBufferPointer, output: inout [UInt8]) -> SessionAction {
        output.append(contentsOf: input)
        return .proceed
    }

    /// RFC 862: the server closes when the client has finished sending.
    public mutating func peerFinished(output: inout [UInt8]) -> SessionAction { .close }
}
