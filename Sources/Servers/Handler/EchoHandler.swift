import SocketCore

/// The echo service (RFC 862): every byte, or every datagram, goes back.
public struct EchoHandler: StreamHandler, DatagramHandler {
    public init() {}

    public func open(peer: SocketAddress) -> EchoSession { EchoSession() }

    public func received(
        _ datagram: UnsafeRawBufferPointer, from sender: SocketAddress,
        output: inout [UInt8]
    ) -> DatagramReply {
        output.append(contentsOf: datagram)
        return .now
    }
}

public struct EchoSession: StreamSession {
    @inlinable
    public mutating func received(_ input: UnsafeRawBufferPointer, _ io: inout SessionIO) -> SessionAction {
        io.output.append(input)
        io.finishedRequest()
        return .proceed
    }

    /// RFC 862: the server closes when the client has finished sending.
    public mutating func peerFinished(_ io: inout SessionIO) -> SessionAction { .close }
}
