import SocketCore

/// Serves datagrams one at a time: each one is handed to the handler and
/// the reply goes back to its sender.
public struct DatagramServer<Handler: DatagramHandler>: Sendable {
    public let handler: Handler
    public let control: ServerControl

    public init(handler: Handler, control: ServerControl) {
        self.handler = handler
        self.control = control
    }

    /// Receives and replies until `control.stop()`.
    public func run(socket: Socket) {
        control.serve(listener: socket)
        // 64 KiB holds the largest UDP datagram; a UNIX datagram larger than
        // that is cut (its sender should not expect an echo service to keep it).
        var buffer = [UInt8](repeating: 0, count: 65536)
        var output: [UInt8] = []
        while !control.isStopping {
            do throws(SocketError) {
                let received = try socket.receiveFrom(into: &buffer)
                guard case .processed(let (count, sender)) = received else { continue }
                // A shut-down socket reads as an empty datagram with no sender.
                guard let sender, !control.isStopping else { continue }
                let reply = buffer.withUnsafeBytes {
                    handler.received(UnsafeRawBufferPointer(rebasing: $0[..<count]), from: sender, output: &output)
                }
                if reply { _ = try socket.send(output, to: sender) }
                output.removeAll(keepingCapacity: true)
            } catch {
                if control.isStopping { break }
                // One unreachable sender (a refused reply) must not stop the service.
                ServerLog.warning("datagram: \(error)")
            }
        }
    }
}
